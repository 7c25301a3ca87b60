import { randomUUID } from 'node:crypto';
import { buildTencentClient, secretSourceFrom } from '#lib/compose/clients.ts';
import type { Env } from '#lib/config/env.ts';
import { readTencentConfig, readVolcConfig } from '#lib/config/providers.ts';
import { readRuntimeConfig } from '#lib/config/runtime.ts';
import type { BroadcastSettings, SnapshotSettings } from '#lib/config/snapshots.ts';
import { emptyPushMemory } from '#lib/snapshots/audience-sync.ts';
import { emptyGoneMemory } from '#lib/snapshots/gone-targets.ts';
import { buildSnapshotProviders, type SnapshotProviders } from '#lib/snapshots/providers.ts';
import { emptyRollupMemory, RollupWriter } from '#lib/snapshots/rollup-writer.ts';
import type { SnapshotDependencies } from '#lib/snapshots/run.ts';
import type { SnapshotRecord, SnapshotStore } from '#lib/snapshots/store.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import { ensureTable } from '#local/dynamodb.ts';
import { localAwsEnvironment, upstreamEnvironment } from '#support/local-aws.ts';
import { emulatorUrl } from './http.ts';

// The snapshot run's parts wired in-process to the suite's emulator and dynalite.

export const dynamoEndpoint = (): string => {
  const endpoint = process.env.LIVEGATE_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('LIVEGATE_DYNAMODB_ENDPOINT is not set');
  return endpoint;
};

export const useLocalAws = (): void => {
  Object.assign(process.env, localAwsEnvironment(emulatorUrl(), dynamoEndpoint()));
};

export const localStore = () => new DynamoSnapshotStore({ tableName: process.env.LIVEGATE_TABLE as string, retentionDays: 30 });

/**
 * Stores ticks as a run does: samples (replacing what is there), gaps where nothing is stored,
 * then the rollups of every minute they fall in, written by the run's own rollup writer.
 */
export const storeTicks = async (store: SnapshotStore, records: readonly SnapshotRecord[]): Promise<void> => {
  const giveUpAt = Date.now() + 30_000;
  await store.putSamples(
    records.filter((record) => record.gap === undefined),
    giveUpAt,
  );
  await store.putGapsIfAbsent(
    records.filter((record) => record.gap !== undefined),
    giveUpAt,
  );
  const rollups = new RollupWriter(store, giveUpAt);
  rollups.touched(records);
  const failures = await rollups.settle();
  if (failures.length > 0) throw failures[0];
};

/** Secrets always come from the suite's emulator; the upstream calls go to `upstreamUrl`. */
const clientEnv = (upstreamUrl = emulatorUrl()): Env => ({
  ...localAwsEnvironment(emulatorUrl()),
  ...upstreamEnvironment(upstreamUrl),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: '800',
});

/** A shard's providers as the snapshot function builds them, at these deployment-wide rates. */
/** `upstreamUrl`: another emulator for the upstream calls (secrets still come from the suite's). */
export const snapshotProviders = (
  tencentPerSecond: number,
  volcPerSecond: number,
  shardCount = 1,
  broadcast: BroadcastSettings = NO_BROADCAST,
  upstreamUrl?: string,
): SnapshotProviders => {
  const env = clientEnv(upstreamUrl);
  return buildSnapshotProviders(
    {
      runtime: readRuntimeConfig(env),
      settings: settings({ tencentRatePerSecond: tencentPerSecond, volcRatePerSecond: volcPerSecond, broadcast }),
      tencent: readTencentConfig(env),
      volc: readVolcConfig(env),
    },
    shardCount,
    { source: secretSourceFrom(env) },
  );
};

/** A Tencent client with nothing cached, built as every function builds it. */
export const coldTencentClient = (): TencentChatClient => {
  const env = clientEnv();
  return buildTencentClient(readTencentConfig(env), readRuntimeConfig(env), { source: secretSourceFrom(env) });
};

/**
 * A tracking registry of its own (a new table in the suite's dynalite), so what other tests
 * track through the API never joins a run whose targets a test counts.
 */
export const freshRegistryTable = async (): Promise<string> => {
  // Jest loads this module afresh for each test file: a counter would repeat, a random name does not.
  const tableName = `livegate-test-tracking-${randomUUID()}`;
  await ensureTable(dynamoEndpoint(), 'tracking', tableName, process.cwd());
  return tableName;
};

export const freshRegistry = async (): Promise<DynamoTrackingRegistry> => new DynamoTrackingRegistry({ tableName: await freshRegistryTable() });

/** What runSnapshot needs: the providers, the suite's table (or `store`), a fresh registry (or `registry`), settings. */
export const runDependencies = async (
  providers: SnapshotProviders,
  overrides: { settings?: Partial<SnapshotSettings>; store?: SnapshotStore; registry?: TrackingRegistry; dropAfterTicks?: number } = {},
): Promise<SnapshotDependencies> => ({
  providers,
  store: overrides.store ?? localStore(),
  registry: overrides.registry ?? (await freshRegistry()),
  settings: settings(overrides.settings ?? {}),
  dropAfterTicks: overrides.dropAfterTicks ?? 3,
  goneMemory: emptyGoneMemory(),
  pushMemory: emptyPushMemory(),
  rollupMemory: emptyRollupMemory(),
});

/** Pushes to the audience are off unless a test turns them on. */
export const NO_BROADCAST: BroadcastSettings = {
  tencentMode: 'off',
  volcMode: 'off',
  heartbeatMs: 60_000,
  tencentRatePerSecond: 150,
  volcRatePerSecond: 400,
  volcFrom: 'livegate-test',
};

export const settings = (overrides: Partial<SnapshotSettings>): SnapshotSettings => ({
  intervalSeconds: 1,
  windowSeconds: 3,
  discovery: true,
  groups: [],
  rooms: [],
  tencentRatePerSecond: 150,
  volcRatePerSecond: 30,
  maxInFlight: 64,
  broadcast: NO_BROADCAST,
  ...overrides,
});
