import type { SnapshotSettings } from '../config/snapshots.ts';
import { Deadline } from '../deadline.ts';
import { log } from '../log.ts';
import { type DiscoveryMemory, type DiscoverySummary, collectTargets } from './collect-targets.ts';
import { type SnapshotProviders, groupSampler, roomSampler } from './providers.ts';
import { RecordWriter } from './record-writer.ts';
import { type PlanSummary, emptyPlanSummary, sampleTicks } from './sample-ticks.ts';
import type { SnapshotStore } from './store.ts';
import type { Shard } from './targets.ts';

// One scheduled run as a pipeline: the targets of this shard (collect-targets) → the plan and
// the samples of each tick (sample-ticks, which plans with plan.ts) → the table (record-writer).
// Nothing here outlives the call: what a run needs from earlier runs is passed in.

export interface SnapshotDependencies {
  providers: SnapshotProviders;
  store: SnapshotStore;
  settings: SnapshotSettings;
  discoveryMemory: DiscoveryMemory;
  /** When the invocation ends (Lambda's remaining time): writes give up before, so the summary is always logged. */
  invocationEndsAt?: number;
  clock?: () => number;
}

export interface RunSummary {
  shard: Shard;
  targets: { groups: number; rooms: number };
  discovery: DiscoverySummary;
  groups: PlanSummary;
  rooms: PlanSummary;
  samplesWritten: number;
  gapsWritten: number;
  gapsByReason: Record<string, number>;
  upstreamCalls: { tencent: number; volc: number };
  durationMs: number;
}

// Discovery may use the start of the minute, never so much of it that sampling starts late.
const DISCOVERY_BUDGET_MS = 20_000;
// Kept back from the invocation's end for the summary and the answer.
const INVOCATION_RESERVE_MS = 2_000;

/** When the run stops retrying writes: half a window after it, and before the invocation ends. */
export const writeDeadline = (windowEnd: number, windowSeconds: number, invocationEndsAt: number | undefined): number =>
  Math.min(windowEnd + (windowSeconds * 1000) / 2 + 15_000, (invocationEndsAt ?? Number.POSITIVE_INFINITY) - INVOCATION_RESERVE_MS);

export const runSnapshot = async (deps: SnapshotDependencies, shard: Shard): Promise<RunSummary> => {
  const clock = deps.clock ?? Date.now;
  const { settings, providers } = deps;
  const startedAt = clock();
  const windowMs = settings.windowSeconds * 1000;
  const windowEnd = Math.floor(startedAt / windowMs) * windowMs + windowMs;
  const callsBefore = { tencent: providers.tencent?.client.upstreamCalls ?? 0, volc: providers.volc?.client.upstreamCalls ?? 0 };

  const targets = await collectTargets({
    configuredGroups: providers.tencent ? settings.groups : [],
    configuredRooms: providers.volc ? settings.rooms : [],
    discoveryClient: settings.discovery ? providers.tencent?.client : undefined,
    memory: deps.discoveryMemory,
    discoveryDeadline: Deadline.after(Math.min(DISCOVERY_BUDGET_MS, windowEnd - clock()), clock),
  }, shard);

  const writer = new RecordWriter(deps.store, writeDeadline(windowEnd, settings.windowSeconds, deps.invocationEndsAt));
  const common = {
    baseIntervalSeconds: settings.intervalSeconds,
    windowSeconds: settings.windowSeconds,
    maxInFlight: settings.maxInFlight,
    startedAt,
    clock,
    emit: (samples: Parameters<RecordWriter['write']>[0], gaps: Parameters<RecordWriter['write']>[1]) => writer.write(samples, gaps),
  };
  const [groups, rooms] = await Promise.all([
    providers.tencent
      ? sampleTicks({ ...common, targets: targets.groups, ratePerSecond: providers.tencent.gate.perSecond, sample: groupSampler(providers.tencent.client) })
      : emptyPlanSummary(settings.intervalSeconds),
    providers.volc
      ? sampleTicks({ ...common, targets: targets.rooms, ratePerSecond: providers.volc.gate.perSecond, sample: roomSampler(providers.volc.client) })
      : emptyPlanSummary(settings.intervalSeconds),
  ]);
  const failedWrites = await writer.settle();

  const summary: RunSummary = {
    shard,
    targets: { groups: targets.groups.length, rooms: targets.rooms.length },
    discovery: targets.discovery,
    groups,
    rooms,
    samplesWritten: writer.samplesWritten,
    gapsWritten: writer.gapsWritten,
    gapsByReason: writer.gapsByReason,
    upstreamCalls: {
      tencent: (providers.tencent?.client.upstreamCalls ?? 0) - callsBefore.tencent,
      volc: (providers.volc?.client.upstreamCalls ?? 0) - callsBefore.volc,
    },
    durationMs: clock() - startedAt,
  };
  log.info('snapshot run', { ...summary, failedWrites: failedWrites.length });
  if (failedWrites.length > 0) {
    // The invocation fails so the error shows in Lambda's metrics; the ticks stay unwritten.
    throw new Error(`${failedWrites.length} snapshot writes failed: ${String(failedWrites[0])}`);
  }
  return summary;
};
