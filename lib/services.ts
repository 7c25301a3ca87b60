import { readRuntimeConfig, readTencentConfig, readVolcConfig } from './config.ts';
import { log } from './log.ts';
import { SecretCache, type SecretSource, secretsManagerSource } from './secrets.ts';
import { type TencentApi, TencentChatClient } from './tencent/client.ts';
import { parseTencentSecret } from './tencent/credentials.ts';
import { tencentBaseUrls } from './tencent/regions.ts';
import { UserSigCache } from './tencent/usersig.ts';
import type { RateGate } from './upstream/rate-gate.ts';
import { parseVolcSecret } from './volc/credentials.ts';
import { VolcRtcClient } from './volc/client.ts';

// Module-scope clients: built once per Lambda container from its environment, then reused by
// every warm invocation along with their secret and UserSig caches.

type Env = Record<string, string | undefined>;

let sharedSecretSource: SecretSource | undefined;
const secretSource = (): SecretSource => (sharedSecretSource ??= secretsManagerSource());

export const createTencentClient = (
  env: Env = process.env,
  source: SecretSource = secretSource(),
  rateGates?: Partial<Record<TencentApi, RateGate>>,
): TencentChatClient => {
  const config = readTencentConfig(env);
  const runtime = readRuntimeConfig(env);
  return new TencentChatClient({
    baseUrls: tencentBaseUrls(config.region, config.baseUrlOverride),
    secrets: new SecretCache({ source, secretId: config.secretId, parse: parseTencentSecret, ttlMs: runtime.secretTtlMs }),
    userSigs: new UserSigCache({ lifetimeSeconds: config.userSigLifetimeSeconds }),
    attemptTimeoutMs: runtime.attemptTimeoutMs,
    ...(rateGates ? { rateGates } : {}),
  });
};

export const createVolcClient = (env: Env = process.env, source: SecretSource = secretSource(), rateGate?: RateGate): VolcRtcClient => {
  const config = readVolcConfig(env);
  const runtime = readRuntimeConfig(env);
  return new VolcRtcClient({
    baseUrl: config.baseUrl,
    region: config.region,
    secrets: new SecretCache({ source, secretId: config.secretId, parse: parseVolcSecret, ttlMs: runtime.secretTtlMs }),
    attemptTimeoutMs: runtime.attemptTimeoutMs,
    ...(rateGate ? { rateGate } : {}),
  });
};

let tencent: TencentChatClient | undefined;
let volc: VolcRtcClient | undefined;

export const tencentClient = (): TencentChatClient => (tencent ??= createTencentClient());
export const volcClient = (): VolcRtcClient => (volc ??= createVolcClient());

/**
 * Starts reading the secret during Lambda's init phase, which runs before the first request
 * is timed; a failure here is only logged, and the first request reads again.
 */
export const prefetch = (warm: () => Promise<unknown>): void => {
  try {
    warm().catch((error: unknown) => log.warn('prefetch failed; the first request will retry', { error }));
  } catch (error) {
    log.error('configuration is invalid', { error });
  }
};
