import type { Env } from '../config/env.ts';
import { readDefaultRtcAppId, readTencentConfig, readVolcConfig } from '../config/providers.ts';
import { type RuntimeConfig, readRuntimeConfig } from '../config/runtime.ts';
import { readStorageConfig } from '../config/snapshots.ts';
import { log, setLogLevel } from '../log.ts';
import { DynamoSnapshotStore } from '../snapshots/store-dynamodb.ts';
import type { SnapshotStore } from '../snapshots/store.ts';
import type { TencentChatClient } from '../tencent/client.ts';
import type { VolcRtcClient } from '../volc/client.ts';
import { buildTencentClient, buildVolcClient } from './clients.ts';

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
}

export const composeHistory = (env: Env): HistoryFunction => {
  const runtime = runtimeOf(env);
  const storage = readStorageConfig(env);
  return { runtime, store: new DynamoSnapshotStore(storage), defaultRtcAppId: readDefaultRtcAppId(env) };
};

export const composePlainHttp = (env: Env): { runtime: RuntimeConfig } => ({ runtime: runtimeOf(env) });
