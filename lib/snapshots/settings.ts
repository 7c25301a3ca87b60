import { ConfigError } from '../config.ts';
import type { SnapshotSettings } from './run.ts';
import { parseGroupList, parseRoomList } from './targets.ts';

type Env = Record<string, string | undefined>;

const number = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return value;
};

export interface StorageSettings {
  tableName: string;
  retentionDays: number;
  defaultRtcAppId: string | undefined;
}

export const readStorageSettings = (env: Env = process.env): StorageSettings => {
  const tableName = env.SNAPSHOT_TABLE?.trim();
  if (!tableName) throw new ConfigError('SNAPSHOT_TABLE is not set');
  return {
    tableName,
    retentionDays: number(env, 'SNAPSHOT_RETENTION_DAYS', 30, 1, 3650),
    defaultRtcAppId: env.RTC_APP_ID?.trim() || undefined,
  };
};

/** `defaultAppId` is used for configured rooms that name no AppId. */
export const readSnapshotSettings = (env: Env, defaultAppId: string | undefined): SnapshotSettings => {
  const windowSeconds = number(env, 'SNAPSHOT_WINDOW_SECONDS', 60, 1, 600);
  const intervalSeconds = number(env, 'SNAPSHOT_INTERVAL_SECONDS', 10, 1, windowSeconds);
  const discovery = (env.SNAPSHOT_DISCOVERY?.trim().toLowerCase() || 'on');
  if (!['on', 'off'].includes(discovery)) throw new ConfigError(`SNAPSHOT_DISCOVERY must be on or off, got "${discovery}"`);
  return {
    windowSeconds,
    intervalSeconds,
    discovery: discovery === 'on',
    groups: parseGroupList(env.SNAPSHOT_GROUP_IDS),
    rooms: parseRoomList(env.SNAPSHOT_ROOM_IDS, defaultAppId),
    tencentRatePerSecond: number(env, 'SNAPSHOT_TENCENT_RATE', 150, 0.1, 200),
    volcRatePerSecond: number(env, 'SNAPSHOT_VOLC_RATE', 30, 0.1, 40),
    maxInFlight: number(env, 'SNAPSHOT_MAX_IN_FLIGHT', 256, 1, 4096),
  };
};
