import { broadcastOnlineUsers, sendOnlineCount } from '#lib/audience/online-count-message.ts';
import type { SnapshotSettings } from '#lib/config/snapshots.ts';
import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { activeSources, type TrackingSource } from '#lib/tracking/tracked-target.ts';
import { isFailureOfKind } from '#lib/upstream/failure.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';
import { AudienceSync, type PushMemory, type PushSummary } from './audience-sync.ts';
import { collectTargets, type DiscoverySummary } from './collect-targets.ts';
import { type GoneMemory, GoneTargets } from './gone-targets.ts';
import { groupSampler, roomSampler, type Sampler, type SnapshotProvider, type SnapshotProviders } from './providers.ts';
import { RecordWriter } from './record-writer.ts';
import { syncRegistry } from './registry-sync.ts';
import { type RollupMemory, type RollupSummary, RollupWriter } from './rollup-writer.ts';
import { countSnapshotRun } from './run-metrics.ts';
import { emptyPlanSummary, type PlanSummary, sampleTicks } from './sample-ticks.ts';
import type { GroupValues, RoomValues, SnapshotStore } from './store.ts';
import { type Shard, type Target, targetKey } from './targets.ts';

// One scheduled run as a pipeline: the targets of this shard (collect-targets, from configuration,
// discovery and the tracking registry) → the plan and the samples of each tick (sample-ticks,
// which plans with plan.ts) → the table (record-writer) → the minute, hour and day rollups of
// what was written (rollup-writer), with the registry kept in step (registry-sync) and tracked
// targets that are gone upstream dropped (gone-targets). Nothing here outlives the call: what a
// run needs from earlier runs is passed in.

export interface SnapshotDependencies {
  providers: SnapshotProviders;
  store: SnapshotStore;
  registry: TrackingRegistry;
  settings: SnapshotSettings;
  /** Ticks in a row a tracked target must be gone upstream before its api and callback sources end. */
  dropAfterTicks: number;
  goneMemory: GoneMemory;
  pushMemory: PushMemory;
  /** Rollups an earlier run of this container could not write; without it, none are carried over. */
  rollupMemory?: RollupMemory;
  /** Rollups are always written in service; false only measures what they cost (bench). */
  writeRollups?: boolean;
  /** When the invocation ends (Lambda's remaining time): writes give up before, so the summary is always logged. */
  invocationEndsAt?: number;
  clock?: () => number;
}

export interface RunSummary {
  shard: Shard;
  targets: { groups: number; rooms: number };
  targetsBySource: Record<TrackingSource, number>;
  discovery: DiscoverySummary;
  groups: PlanSummary;
  rooms: PlanSummary;
  samplesWritten: number;
  gapsWritten: number;
  gapsByReason: Record<string, number>;
  upstreamCalls: { tencent: number; volc: number };
  registry: { reads: number; writes: number; failedWrites: number; deferredWrites: number; droppedGone: { groups: number; rooms: number } };
  pushes: { tencent: PushSummary; volc: PushSummary };
  rollups: RollupSummary;
  durationMs: number;
}

// Discovery may use the start of the minute, never so much of it that sampling starts late.
const DISCOVERY_BUDGET_MS = 20_000;
// Kept back from the invocation's end for the summary and the answer.
const INVOCATION_RESERVE_MS = 2_000;
const DROPPED_SOURCES: readonly TrackingSource[] = ['api', 'callback'];

/** When the run stops retrying writes: half a window after it, and before the invocation ends. */
export const writeDeadline = (windowEnd: number, windowSeconds: number, invocationEndsAt: number | undefined): number =>
  Math.min(windowEnd + (windowSeconds * 1000) / 2 + 15_000, (invocationEndsAt ?? Number.POSITIVE_INFINITY) - INVOCATION_RESERVE_MS);

/** Tells `gone` what each sample says of its target's existence. */
const watchedBy =
  (sampler: Sampler, gone: GoneTargets): Sampler =>
  async (target, deadline) => {
    try {
      const sample = await sampler(target, deadline);
      gone.observe(target, sample.gone);
      return sample;
    } catch (error) {
      if (isFailureOfKind(error, 'group-not-found')) gone.observe(target, true);
      throw error;
    }
  };

export const runSnapshot = async (deps: SnapshotDependencies, shard: Shard): Promise<RunSummary> => {
  const clock = deps.clock ?? Date.now;
  const { settings, providers, registry } = deps;
  const startedAt = clock();
  const windowMs = settings.windowSeconds * 1000;
  const windowEnd = Math.floor(startedAt / windowMs) * windowMs + windowMs;
  const giveUpAt = writeDeadline(windowEnd, settings.windowSeconds, deps.invocationEndsAt);
  const callsBefore = { tencent: providers.tencent?.client.upstreamCalls ?? 0, volc: providers.volc?.client.upstreamCalls ?? 0 };

  const targets = await collectTargets(
    {
      configuredGroups: settings.groups,
      configuredRooms: settings.rooms,
      kinds: [...(providers.tencent ? ['group' as const] : []), ...(providers.volc ? ['room' as const] : [])],
      discoveryClient: settings.discovery ? providers.tencent?.client : undefined,
      registry,
      discoveryDeadline: Deadline.after(Math.min(DISCOVERY_BUDGET_MS, windowEnd - clock()), clock),
      now: startedAt,
    },
    shard,
  );
  const registrySync = syncRegistry(registry, targets.registryChanges, startedAt, giveUpAt, clock);

  const dropped = new Set<string>();
  const drops: Array<Promise<unknown>> = [];
  const droppedGone = { groups: 0, rooms: 0 };
  const gone = new GoneTargets(deps.goneMemory, deps.dropAfterTicks, (target: Target) => {
    const key = targetKey(target);
    const tracked = targets.tracked.get(key);
    if (dropped.has(key) || !tracked || !activeSources(tracked, startedAt).some((source) => DROPPED_SOURCES.includes(source))) return;
    dropped.add(key);
    droppedGone[target.kind === 'group' ? 'groups' : 'rooms'] += 1;
    log.info('a tracked target is gone upstream; it is no longer tracked by the API or callbacks', { target, ticks: deps.dropAfterTicks });
    drops.push(registry.removeSources(target, DROPPED_SOURCES, clock()));
  });

  const { broadcast } = settings;
  const tencentSync = new AudienceSync({
    mode: providers.tencent?.pushGate ? broadcast.tencentMode : 'off',
    heartbeatMs: broadcast.heartbeatMs,
    memory: deps.pushMemory,
    store: deps.store,
    push: (target, values, tick, deadline) =>
      sendOnlineCount(
        (providers.tencent as SnapshotProvider<TencentChatClient>).client,
        { groupId: (target as { groupId: string }).groupId, targetKey: targetKey(target), onlineCount: (values as GroupValues).onlineCount, tick },
        deadline,
      ),
  });
  const volcSync = new AudienceSync({
    mode: providers.volc?.pushGate ? broadcast.volcMode : 'off',
    heartbeatMs: broadcast.heartbeatMs,
    memory: deps.pushMemory,
    store: deps.store,
    push: (target, values, tick, deadline) => {
      const room = target as { appId: string; roomId: string };
      const users = values as RoomValues;
      return broadcastOnlineUsers(
        (providers.volc as SnapshotProvider<VolcRtcClient>).client,
        {
          appId: room.appId,
          roomId: room.roomId,
          from: broadcast.volcFrom,
          totalUsers: users.totalUsers,
          totalInvisibleUsers: users.totalInvisibleUsers,
          tick,
        },
        deadline,
      );
    },
  });
  const pushesOf = (sync: AudienceSync) => (sync.enabled ? { afterSample: sync.afterSample.bind(sync) } : {});

  const writer = new RecordWriter(deps.store, giveUpAt);
  const rollups = new RollupWriter(deps.store, giveUpAt, { clock, ...(deps.rollupMemory ? { memory: deps.rollupMemory } : {}) });
  const writeRollups = deps.writeRollups ?? true;
  const common = {
    baseIntervalSeconds: settings.intervalSeconds,
    windowSeconds: settings.windowSeconds,
    maxInFlight: settings.maxInFlight,
    startedAt,
    clock,
    emit: (samples: Parameters<RecordWriter['write']>[0], gaps: Parameters<RecordWriter['write']>[1]) => {
      writer.write(samples, gaps);
      if (writeRollups) {
        rollups.touched(samples);
        rollups.touched(gaps);
      }
    },
  };
  const [groups, rooms] = await Promise.all([
    providers.tencent
      ? sampleTicks({
          ...common,
          targets: targets.groups,
          ratePerSecond: providers.tencent.gate.perSecond,
          sample: watchedBy(groupSampler(providers.tencent.client), gone),
          ...pushesOf(tencentSync),
        })
      : emptyPlanSummary(settings.intervalSeconds),
    providers.volc
      ? sampleTicks({
          ...common,
          targets: targets.rooms,
          ratePerSecond: providers.volc.gate.perSecond,
          sample: watchedBy(roomSampler(providers.volc.client), gone),
          ...pushesOf(volcSync),
        })
      : emptyPlanSummary(settings.intervalSeconds),
  ]);
  const failedWrites = await writer.settle();
  // After every write of the run has landed (or failed): each rollup is read from what is stored.
  const failedRollups = await rollups.settle();
  const synced = await registrySync;
  const failedDrops = (await Promise.allSettled(drops)).filter((result) => result.status === 'rejected').length;

  const summary: RunSummary = {
    shard,
    targets: { groups: targets.groups.length, rooms: targets.rooms.length },
    targetsBySource: targets.bySource,
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
    registry: {
      reads: targets.registryReads,
      writes: synced.writes + drops.length - failedDrops,
      failedWrites: synced.failed + failedDrops,
      deferredWrites: synced.deferred,
      droppedGone,
    },
    pushes: { tencent: tencentSync.summary, volc: volcSync.summary },
    rollups: rollups.summary,
    durationMs: clock() - startedAt,
  };
  log.info('snapshot run', { ...summary, failedWrites: failedWrites.length });
  countSnapshotRun(summary, failedWrites.length === 0 && failedRollups.length === 0);
  if (failedWrites.length > 0) {
    // The invocation fails so the error shows in Lambda's metrics; the ticks stay unwritten.
    throw new Error(`${failedWrites.length} snapshot writes failed: ${String(failedWrites[0])}`);
  }
  if (failedRollups.length > 0) {
    // The same for rollups; the container's next run recomputes them (rollupMemory).
    throw new Error(`the rollups of ${failedRollups.length} targets could not be written: ${String(failedRollups[0])}`);
  }
  return summary;
};
