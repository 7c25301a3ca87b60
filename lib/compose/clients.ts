import type { TencentConfig, VolcConfig } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { SecretCache, type SecretSource, secretsManagerSource } from '#lib/secrets.ts';
import { type TencentApi, TencentChatClient } from '#lib/tencent/client.ts';
import { parseTencentSecret, type TencentCredentials } from '#lib/tencent/credentials.ts';
import { tencentBaseUrls } from '#lib/tencent/regions.ts';
import { UserSigCache } from '#lib/tencent/usersig.ts';
import type { RateGate } from '#lib/upstream/rate-gate.ts';
import { VolcRtcClient } from '#lib/volc/client.ts';
import { parseVolcSecret, type VolcSecret } from '#lib/volc/credentials.ts';

// How the upstream clients are put together from configuration; every composition root (each
// function's, and the tests' and benchmarks' in-process ones) builds them here.

// One Secrets Manager client per container, whichever clients read through it.
let sharedSource: SecretSource | undefined;
const defaultSecretSource = (): SecretSource => (sharedSource ??= secretsManagerSource());

export interface ClientOptions {
  source?: SecretSource;
}

export const buildTencentSecrets = (config: TencentConfig, runtime: RuntimeConfig, options: ClientOptions = {}): SecretCache<TencentCredentials> =>
  new SecretCache({ source: options.source ?? defaultSecretSource(), secretId: config.secretId, parse: parseTencentSecret, ttlMs: runtime.secretTtlMs });

export const buildVolcSecrets = (config: VolcConfig, runtime: RuntimeConfig, options: ClientOptions = {}): SecretCache<VolcSecret> =>
  new SecretCache({ source: options.source ?? defaultSecretSource(), secretId: config.secretId, parse: parseVolcSecret, ttlMs: runtime.secretTtlMs });

export const buildTencentClient = (
  config: TencentConfig,
  runtime: RuntimeConfig,
  options: ClientOptions & { rateGates?: Partial<Record<TencentApi, RateGate>> } = {},
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
  options: ClientOptions & { rateGates?: Partial<Record<string, RateGate>> } = {},
): VolcRtcClient =>
  new VolcRtcClient({
    baseUrl: config.baseUrl,
    region: config.region,
    secrets: buildVolcSecrets(config, runtime, options),
    attemptTimeoutMs: runtime.attemptTimeoutMs,
    ...(options.rateGates ? { rateGates: options.rateGates } : {}),
  });
