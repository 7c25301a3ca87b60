import type { Env } from '#lib/config/env.ts';
import { readDefaultRtcAppId } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { readStorageConfig } from '#lib/config/snapshots.ts';
import { readTrackingConfig } from '#lib/config/tracking.ts';
import type { SnapshotStore } from '#lib/snapshots/store.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import { runtimeOf } from './runtime.ts';
import { composeTencentApi } from './upstream-functions.ts';

// Composition roots of the functions that read or write the snapshot table or the tracking registry.

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
