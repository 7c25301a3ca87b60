import type { Context } from 'aws-lambda';
import { readTencentConfig, readVolcConfig } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import { createTencentClient, createVolcClient } from '../lib/services.ts';
import { type RunSummary, runSnapshot } from '../lib/snapshots/run.ts';
import { readSnapshotSettings, readStorageSettings } from '../lib/snapshots/settings.ts';
import { DynamoSnapshotStore } from '../lib/snapshots/store-dynamodb.ts';
import type { Shard } from '../lib/snapshots/targets.ts';
import { RateGate } from '../lib/upstream/rate-gate.ts';

// The scheduled function (EventBridge, every minute). Its schedule input names the shard:
// { "shard": 0, "shards": 4 }; without one it is the only shard.

const env = process.env;
const storage = readStorageSettings(env);
const baseSettings = readSnapshotSettings(env, storage.defaultRtcAppId);
const store = new DynamoSnapshotStore({ tableName: storage.tableName, retentionDays: storage.retentionDays });

const configured = (read: () => unknown): boolean => {
  try {
    read();
    return true;
  } catch {
    return false;
  }
};

// Clients live as long as the container; their gates are created per shard share on first use.
let clients: { shard: string; tencent: ReturnType<typeof createTencentClient> | undefined; volc: ReturnType<typeof createVolcClient> | undefined } | undefined;
const clientsFor = (shard: Shard) => {
  const key = `${shard.count}`;
  if (clients?.shard === key) return clients;
  // Discovery reads a few pages a minute; its gate only keeps a bug from turning into a flood.
  const tencentGates = {
    get_online_member_num: new RateGate(baseSettings.tencentRatePerSecond / shard.count),
    get_appid_group_list: new RateGate(10),
  };
  clients = {
    shard: key,
    tencent: configured(() => readTencentConfig(env)) ? createTencentClient(env, undefined, tencentGates) : undefined,
    volc: configured(() => readVolcConfig(env)) ? createVolcClient(env, undefined, new RateGate(baseSettings.volcRatePerSecond / shard.count)) : undefined,
  };
  return clients;
};

export const parseShard = (event: unknown): Shard => {
  const input = (event ?? {}) as { shard?: unknown; shards?: unknown };
  const count = input.shards === undefined ? 1 : Number(input.shards);
  const index = input.shard === undefined ? 0 : Number(input.shard);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`schedule input must be { "shard": i, "shards": n } with 0 <= i < n, got ${JSON.stringify(event)}`);
  }
  return { index, count };
};

export const handler = async (event: unknown, _context?: Context): Promise<RunSummary> => {
  const shard = parseShard(event);
  const { tencent, volc } = clientsFor(shard);
  if (!tencent && !volc) log.warn('neither Tencent nor Volcengine is configured: nothing to sample');
  return runSnapshot({ tencent, volc, store, settings: baseSettings }, shard);
};
