import type { Env } from '#lib/config/env.ts';
import { readDefaultRtcAppId, readTencentConfig, readVolcConfig } from '#lib/config/providers.ts';
import { type RuntimeConfig, readRuntimeConfig } from '#lib/config/runtime.ts';
import { readStorageConfig } from '#lib/config/snapshots.ts';
import { readTrackingConfig, type TrackingConfig } from '#lib/config/tracking.ts';
import { log, setLogLevel } from '#lib/log.ts';
import type { SecretCache } from '#lib/secrets.ts';
import type { SnapshotStore } from '#lib/snapshots/store.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TencentCredentials } from '#lib/tencent/credentials.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';
import type { VolcSecret } from '#lib/volc/credentials.ts';
import { buildTencentClient, buildTencentSecrets, buildVolcClient, buildVolcSecrets } from './clients.ts';

// Composition roots: each function calls one of these once, at init, with its environment. They
// are the only readers of configuration; everything below is given what it needs.

const runtimeOf = (env: Env): RuntimeConfig => {
  const runtime = readRuntimeConfig(env);
  setLogLevel(runtime.logLevel);
  return runtime;
};

/**
 * Starts reading the secret during Lambda's init phase, which runs before the first request
 * is timed; a failure here is only logged, and the first request reads again.
 */
const prefetch = (warm: () => Promise<unknown>): void => {
  warm().catch((error: unknown) => log.warn('prefetch failed; the first request will retry', { error }));
};

export interface TencentApiFunction {
  runtime: RuntimeConfig;
  tencent: TencentChatClient;
  memberPageSize: number;
}

export const composeTencentApi = (env: Env): TencentApiFunction => {
  const runtime = runtimeOf(env);
  const config = readTencentConfig(env);
  const tencent = buildTencentClient(config, runtime);
  prefetch(() => tencent.warm());
  return { runtime, tencent, memberPageSize: config.memberPageSize };
};

export interface VolcApiFunction {
  runtime: RuntimeConfig;
  volc: VolcRtcClient;
  defaultRtcAppId: string | undefined;
}

export const composeVolcApi = (env: Env): VolcApiFunction => {
  const runtime = runtimeOf(env);
  const volc = buildVolcClient(readVolcConfig(env), runtime);
  prefetch(() => volc.warm());
  return { runtime, volc, defaultRtcAppId: readDefaultRtcAppId(env) };
};

export interface HistoryFunction {
  runtime: RuntimeConfig;
  store: SnapshotStore;
  defaultRtcAppId: string | undefined;
  /** the longest range a stepped history may ask for */
  rollupRetentionDays: number;
}

export const composeHistory = (env: Env): HistoryFunction => {
  const runtime = runtimeOf(env);
  const storage = readStorageConfig(env);
  return { runtime, store: new DynamoSnapshotStore(storage), defaultRtcAppId: readDefaultRtcAppId(env), rollupRetentionDays: storage.rollupRetentionDays };
};

export const composePlainHttp = (env: Env): { runtime: RuntimeConfig } => ({ runtime: runtimeOf(env) });

export interface TrackingWriteFunction {
  runtime: RuntimeConfig;
  registry: TrackingRegistry;
  defaultRtcAppId: string | undefined;
}

/** PUT/DELETE of room tracking and DELETE of group tracking: the registry, nothing upstream. */
export const composeTrackingWrite = (env: Env): TrackingWriteFunction => {
  const runtime = runtimeOf(env);
  return { runtime, registry: new DynamoTrackingRegistry(readTrackingConfig(env)), defaultRtcAppId: readDefaultRtcAppId(env) };
};

/** PUT of group tracking: the registry, and Tencent to check the group first. */
export const composeGroupTracking = (env: Env): TrackingWriteFunction & { tencent: TencentChatClient } => {
  const { runtime, tencent } = composeTencentApi(env);
  return { runtime, tencent, registry: new DynamoTrackingRegistry(readTrackingConfig(env)), defaultRtcAppId: undefined };
};

export interface TrackingListFunction {
  runtime: RuntimeConfig;
  registry: TrackingRegistry;
  store: SnapshotStore;
}

export const composeTrackingList = (env: Env): TrackingListFunction => {
  const runtime = runtimeOf(env);
  return { runtime, registry: new DynamoTrackingRegistry(readTrackingConfig(env)), store: new DynamoSnapshotStore(readStorageConfig(env)) };
};

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
  callbackFunction(env, (runtime) => buildTencentSecrets(readTencentConfig(env), runtime));

export const composeVolcCallbacks = (env: Env): CallbackFunction<VolcSecret> =>
  callbackFunction(env, (runtime) => buildVolcSecrets(readVolcConfig(env), runtime));
