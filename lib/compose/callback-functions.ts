import type { Env } from '#lib/config/env.ts';
import { readDefaultRtcAppId, readTencentConfig, readVolcConfig } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { readTrackingConfig, type TrackingConfig } from '#lib/config/tracking.ts';
import type { SecretCache } from '#lib/secrets.ts';
import type { TencentCredentials } from '#lib/tencent/credentials.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import type { VolcSecret } from '#lib/volc/credentials.ts';
import { buildTencentSecrets, buildVolcSecrets, secretSourceFrom } from './clients.ts';
import { prefetch, runtimeOf } from './runtime.ts';

// Composition roots of the provider callbacks: a provider's secret (for its callback token) and
// the registry; no upstream client.

export interface CallbackFunction<Credentials> {
  runtime: RuntimeConfig;
  registry: TrackingRegistry;
  tracking: TrackingConfig;
  /** The provider's secret, for the callback token (and Tencent's SDKAppID); no upstream call is made. */
  secrets: SecretCache<Credentials>;
  defaultRtcAppId: string | undefined;
}

const callbackFunction = <Credentials>(env: Env, secrets: (runtime: RuntimeConfig) => SecretCache<Credentials>): CallbackFunction<Credentials> => {
  const runtime = runtimeOf(env);
  const tracking = readTrackingConfig(env);
  const cache = secrets(runtime);
  prefetch(() => cache.get());
  return { runtime, tracking, registry: new DynamoTrackingRegistry(tracking), secrets: cache, defaultRtcAppId: readDefaultRtcAppId(env) };
};

export const composeTencentCallbacks = (env: Env): CallbackFunction<TencentCredentials> =>
  callbackFunction(env, (runtime) => buildTencentSecrets(readTencentConfig(env), runtime, { source: secretSourceFrom(env) }));

export const composeVolcCallbacks = (env: Env): CallbackFunction<VolcSecret> =>
  callbackFunction(env, (runtime) => buildVolcSecrets(readVolcConfig(env), runtime, { source: secretSourceFrom(env) }));
