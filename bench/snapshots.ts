import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { secretSourceFrom } from '#lib/compose/clients.ts';
import { readTencentConfig } from '#lib/config/providers.ts';
import { readRuntimeConfig } from '#lib/config/runtime.ts';
import type { SnapshotSettings } from '#lib/config/snapshots.ts';
import { setLogLevel } from '#lib/log.ts';
import { emptyPushMemory } from '#lib/snapshots/audience-sync.ts';
import { emptyGoneMemory } from '#lib/snapshots/gone-targets.ts';
import { buildSnapshotProviders } from '#lib/snapshots/providers.ts';
import type { RollupSummary } from '#lib/snapshots/rollup-writer.ts';
import { runSnapshot } from '#lib/snapshots/run.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import type { Target } from '#lib/snapshots/targets.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import { ensureTable } from '#local/dynamodb.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { localAwsEnvironment, upstreamEnvironment } from '#support/local-aws.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { countingClient, type DynamoCounts, since, snapshot } from './dynamo-counts.ts';
import { progress } from './support.ts';

// Snapshot throughput: N emulated live groups sampled by one run at a given ceiling. `scale`
// shortens the minute and raises the ceiling by the same factor (a 12 s "minute" at 1,000/s
// for scale 5), so a run keeps the shape of the real one in less time.

export interface ThroughputRow {
  groups: number;
  intervalSeconds: number;
  windowSeconds: number;
  ceiling: number;
  samples: number;
  gaps: number;
  samplesPerSecond: number;
  peakPerSecond: number;
  rejected: number;
  durationMs: number;
  peakRssBytes: number;
  heapGrowthBytes: number;
  /** With pushes to the audience (`always`): send_group_msg as the emulator saw it. */
  pushes?: { sent: number; failed: number; peakPerSecond: number; rejected: number };
  /** ticks the plan had for the sampled groups: groups × ticks of the window */
  ticksPlanned: number;
  /** what the run asked of the snapshot table */
  table: DynamoCounts;
  rollups: RollupSummary;
}

const TABLE = 'livegate-bench-snapshots';
const TRACKING_TABLE = 'livegate-bench-tracking';

export const snapshotThroughput = async (
  emulatorUrl: string,
  dynamoUrl: string,
  groups: number,
  intervalSeconds: number,
  windowSeconds: number,
  ceiling: number,
  options: { pushes?: boolean; rollups?: boolean } = {},
): Promise<ThroughputRow> => {
  const upstreams = emulatorClient(emulatorUrl);
  await upstreams.reset();
  await upstreams.setLimits({ tencentPerSecond: ceiling });
  await upstreams.createGroups({ prefix: 'BENCH', count: groups, type: 'AVChatRoom' });
  await ensureTable(dynamoUrl, 'snapshot', TABLE, process.cwd());
  await ensureTable(dynamoUrl, 'tracking', TRACKING_TABLE, process.cwd());
  const env = { ...upstreamEnvironment(emulatorUrl), UPSTREAM_ATTEMPT_TIMEOUT_MS: '3000' };
  Object.assign(process.env, localAwsEnvironment(emulatorUrl));
  // The snapshot budget set right at the limit, the hardest case for keeping under it.
  const budget = ceiling;
  const targets: Target[] = Array.from({ length: groups }, (_, index) => ({ kind: 'group', groupId: `@TGS#aBENCH${index}` }));
  const settings: SnapshotSettings = {
    intervalSeconds,
    windowSeconds,
    discovery: false,
    groups: targets,
    rooms: [],
    tencentRatePerSecond: budget,
    volcRatePerSecond: 1,
    maxInFlight: 512,
    // Pushes, when on, at their own ceiling too: send_group_msg has the same limit as the sampling API.
    broadcast: {
      tencentMode: options.pushes ? 'always' : 'off',
      volcMode: 'off',
      heartbeatMs: 60_000,
      tencentRatePerSecond: budget,
      volcRatePerSecond: 400,
      volcFrom: 'livegate-bench',
    },
  };
  const runtime = readRuntimeConfig(env);
  setLogLevel('warn');
  const providers = buildSnapshotProviders({ runtime, settings, tencent: readTencentConfig(env), volc: undefined }, 1, {
    source: secretSourceFrom(process.env),
  });
  await providers.tencent?.client.warm();
  const table = countingClient(dynamoUrl);
  const store = new DynamoSnapshotStore({ tableName: TABLE, retentionDays: 1, client: table.client });
  const registry = new DynamoTrackingRegistry({
    tableName: TRACKING_TABLE,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoUrl, maxAttempts: 6 })),
  });
  await atNextWindow(windowSeconds);
  let peakRss = process.memoryUsage().rss;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  progress(
    `snapshot run: ${groups} groups, ${intervalSeconds} s interval, ${windowSeconds} s window, ceiling ${ceiling}/s${options.rollups === false ? ', no rollups' : ''} ...`,
  );
  const countsBefore = snapshot(table.counts);
  const summary = await runSnapshot(
    {
      providers,
      store,
      registry,
      settings,
      dropAfterTicks: 3,
      goneMemory: emptyGoneMemory(),
      pushMemory: emptyPushMemory(),
      writeRollups: options.rollups ?? true,
    },
    { index: 0, count: 1 },
  );
  const tableCounts = since(countsBefore, table.counts);
  clearInterval(sampler);
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const { apis } = await upstreams.stats();
  const api = apis.get_online_member_num;
  const pushApi = apis.send_group_msg;
  const gaps = Object.values(summary.gapsByReason).reduce((sum, count) => sum + count, 0);
  return {
    groups,
    intervalSeconds: summary.groups.intervalSeconds,
    windowSeconds,
    ceiling,
    samples: summary.samplesWritten,
    gaps,
    samplesPerSecond: summary.samplesWritten / windowSeconds,
    peakPerSecond: api?.peakPerSecond ?? 0,
    rejected: Object.values(api?.rejected ?? {}).reduce((sum, count) => sum + count, 0),
    durationMs: summary.durationMs,
    peakRssBytes: peakRss,
    heapGrowthBytes: heapAfter - heapBefore,
    ticksPlanned: (groups - summary.groups.overCapacityTargets) * summary.groups.ticks,
    table: tableCounts,
    rollups: summary.rollups,
    ...(options.pushes
      ? {
          pushes: {
            sent: summary.pushes.tencent.sent,
            failed: Object.values(summary.pushes.tencent.failed).reduce((sum, count) => sum + count, 0),
            peakPerSecond: pushApi?.peakPerSecond ?? 0,
            rejected: Object.values(pushApi?.rejected ?? {}).reduce((sum, count) => sum + count, 0),
          },
        }
      : {}),
  };
};
