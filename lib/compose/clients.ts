import { secretsManagerSource } from '#lib/aws/secrets-manager.ts';
import { readSecretsManagerConfig } from '#lib/config/aws.ts';
import type { Env } from '#lib/config/env.ts';
import type { TencentConfig, VolcConfig } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { SecretCache, type SecretSource } from '#lib/secrets.ts';
import { type TencentApi, TencentChatClient } from '#lib/tencent/client.ts';
import { parseTencentSecret, type TencentCredentials } from '#lib/tencent/credentials.ts';
import { tencentBaseUrls } from '#lib/tencent/regions.ts';
import { UserSigCache } from '#lib/tencent/usersig.ts';
import type { RateGate } from '#lib/upstream/rate-gate.ts';
import { VolcRtcClient } from '#lib/volc/client.ts';
import { parseVolcSecret, type VolcSecret } from '#lib/volc/credentials.ts';

// How the upstream clients are put together from configuration; every composition root (each
// function's, and the tests' and benchmarks' in-process ones) builds them here.

/** Secrets Manager as the environment names it (region, endpoint, the role's credentials). */
export const secretSourceFrom = (env: Env): SecretSource => secretsManagerSource(readSecretsManagerConfig(env));

export interface ClientOptions {
  /** Where secrets are read: `secretSourceFrom(env)`, or a stand-in in unit tests. */
  source: SecretSource;
}

export const buildTencentSecrets = (config: TencentConfig, runtime: RuntimeConfig, options: ClientOptions): SecretCache<TencentCredentials> =>
  new SecretCache({ source: options.source, secretId: config.secretId, parse: parseTencentSecret, ttlMs: runtime.secretTtlMs });

export const buildVolcSecrets = (config: VolcConfig, runtime: RuntimeConfig, options: ClientOptions): SecretCache<VolcSecret> =>
  new SecretCache({ source: options.source, secretId: config.secretId, parse: parseVolcSecret, ttlMs: runtime.secretTtlMs });

export const buildTencentClient = (
  config: TencentConfig,
  runtime: RuntimeConfig,
  options: ClientOptions & { rateGates?: Partial<Record<TencentApi, RateGate>> },
): TencentChatClient =>
  new TencentChatClient({
    baseUrls: tencentBaseUrls(config.region, config.baseUrlOverride),
    secrets: buildTencentSecrets(config, runtime, options),
    userSigs: new UserSigCache({ lifetimeSeconds: config.userSigLifetimeSeconds }),
    attemptTimeoutMs: runtime.attemptTimeoutMs,
    ...(options.rateGates ? { rateGates: options.rateGates } : {}),
  });

export const buildVolcClient = (
  config: VolcConfig,
  runtime: RuntimeConfig,
  options: ClientOptions & { rateGates?: Partial<Record<string, RateGate>> },
): VolcRtcClient =>
  new VolcRtcClient({
    baseUrl: config.baseUrl,
    region: config.region,
    secrets: buildVolcSecrets(config, runtime, options),
    attemptTimeoutMs: runtime.attemptTimeoutMs,
    ...(options.rateGates ? { rateGates: options.rateGates } : {}),
  });
