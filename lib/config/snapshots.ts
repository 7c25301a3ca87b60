import { parseGroupList, parseRoomList, type Target } from '#lib/snapshots/targets.ts';
import { ConfigError, type Env, EnvReader } from './env.ts';
import { readDefaultRtcAppId } from './providers.ts';

// The snapshot table, and what the scheduled run samples and how fast.

export interface StorageConfig {
  tableName: string;
  retentionDays: number;
  /** How long minute, hour and day rollups are kept, and the longest range a stepped history may ask for. */
  rollupRetentionDays: number;
}

export const readStorageConfig = (env: Env): StorageConfig => {
  const read = new EnvReader(env);
  return {
    tableName: read.required('SNAPSHOT_TABLE'),
    retentionDays: read.number('SNAPSHOT_RETENTION_DAYS', { fallback: 30, min: 1, max: 3650 }),
    rollupRetentionDays: read.number('SNAPSHOT_ROLLUP_RETENTION_DAYS', { fallback: 400, min: 1, max: 3650 }),
  };
};

export interface SnapshotSettings {
  intervalSeconds: number;
  windowSeconds: number;
  discovery: boolean;
  groups: Target[];
  rooms: Target[];
  /** Calls per second for the whole deployment, all shards together; see perShardRate. */
  tencentRatePerSecond: number;
  volcRatePerSecond: number;
  maxInFlight: number;
  broadcast: BroadcastSettings;
}

export const readSnapshotSettings = (env: Env): SnapshotSettings => {
  const read = new EnvReader(env);
  const windowSeconds = read.number('SNAPSHOT_WINDOW_SECONDS', { fallback: 60, min: 1, max: 600 });
  let rooms: Target[];
  try {
    rooms = parseRoomList(read.list('SNAPSHOT_ROOM_IDS'), readDefaultRtcAppId(env));
  } catch (error) {
    throw new ConfigError(`SNAPSHOT_ROOM_IDS: ${(error as Error).message}`);
  }
  return {
    windowSeconds,
    intervalSeconds: read.number('SNAPSHOT_INTERVAL_SECONDS', { fallback: 10, min: 1, max: windowSeconds }),
    discovery: read.oneOf('SNAPSHOT_DISCOVERY', ['on', 'off'], 'on') === 'on',
    groups: parseGroupList(read.list('SNAPSHOT_GROUP_IDS')),
    rooms,
    // Whole calls per second: a fraction would be rounded differently by the gate and the plan.
    tencentRatePerSecond: read.number('SNAPSHOT_TENCENT_RATE', { fallback: 150, min: 1, max: 200 }),
    volcRatePerSecond: read.number('SNAPSHOT_VOLC_RATE', { fallback: 30, min: 1, max: 40 }),
    maxInFlight: read.number('SNAPSHOT_MAX_IN_FLIGHT', { fallback: 256, min: 1, max: 4096 }),
    broadcast: readBroadcastSettings(env),
  };
};

/**
 * One shard's share of a deployment-wide rate, in whole calls per second, rounded down so that all
 * shards together can never pass the total (200/3 gives 66 each, 198 in all, not 67 and 201).
 */
export const perShardRate = (totalPerSecond: number, shardCount: number): number => {
  const share = Math.floor(totalPerSecond / shardCount);
  if (share < 1) throw new ConfigError(`a rate of ${totalPerSecond}/s cannot be shared by ${shardCount} shards: each needs at least 1 call a second`);
  return share;
};

export const BROADCAST_MODES = ['off', 'changed', 'always'] as const;
export type BroadcastMode = (typeof BROADCAST_MODES)[number];

/** Pushing each sampled count to the room's audience (see lib/snapshots/audience-sync.ts). */
export interface BroadcastSettings {
  tencentMode: BroadcastMode;
  volcMode: BroadcastMode;
  /** With `changed`, an unchanged count is still pushed when the last push is this old. */
  heartbeatMs: number;
  /** Calls per second for all shards together: send_group_msg and SendBroadcast have limits of their own. */
  tencentRatePerSecond: number;
  volcRatePerSecond: number;
  /** The server ID Volcengine shows as the sender of the broadcast. */
  volcFrom: string;
}

export const readBroadcastSettings = (env: Env): BroadcastSettings => {
  const read = new EnvReader(env);
  const volcFrom = read.text('BROADCAST_VOLC_FROM') ?? 'livegate';
  if (!/^[a-zA-Z0-9_@\-.]{1,128}$/.test(volcFrom)) throw new ConfigError(`BROADCAST_VOLC_FROM must be 1-128 of a-z A-Z 0-9 _ @ - ., got "${volcFrom}"`);
  return {
    // Off unless asked for: nobody's rooms get messages they did not ask for.
    tencentMode: read.oneOf('BROADCAST_TENCENT_MODE', BROADCAST_MODES, 'off'),
    volcMode: read.oneOf('BROADCAST_VOLC_MODE', BROADCAST_MODES, 'off'),
    heartbeatMs: read.number('BROADCAST_HEARTBEAT_SECONDS', { fallback: 60, min: 10, max: 3600 }) * 1000,
    tencentRatePerSecond: read.number('BROADCAST_TENCENT_RATE', { fallback: 150, min: 1, max: 200 }),
    volcRatePerSecond: read.number('BROADCAST_VOLC_RATE', { fallback: 400, min: 1, max: 500 }),
    volcFrom,
  };
};
