import { Deadline } from '../deadline.ts';
import { ApiError } from '../errors.ts';
import { fetchOnlineCount } from '../groups/online-count.ts';
import { log } from '../log.ts';
import { fetchRoomOnlineUsers } from '../rooms/online-users.ts';
import type { TencentChatClient } from '../tencent/client.ts';
import { UpstreamFailure } from '../upstream/failure.ts';
import { upstreamToApiError } from '../upstream/to-api-error.ts';
import type { VolcRtcClient } from '../volc/client.ts';
import { discoverLiveGroups } from './discovery.ts';
import { type Plan, planRun, windowTicks } from './plan.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';
import { type Shard, type Target, inShard, targetKey, uniqueTargets } from './targets.ts';

// One scheduled run: find the targets of this shard, then sample each of them once per tick
// across the window (a minute), spread evenly inside each tick and under the rate budget, and
// store every tick of every target as a sample or as a gap with its reason.

export interface SnapshotSettings {
  intervalSeconds: number;
  windowSeconds: number;
  discovery: boolean;
  groups: Target[];
  rooms: Target[];
  /** Calls per second for the whole deployment; each shard gets its share. */
  tencentRatePerSecond: number;
  volcRatePerSecond: number;
  maxInFlight: number;
}

export interface SnapshotDependencies {
  tencent: TencentChatClient | undefined;
  volc: VolcRtcClient | undefined;
  store: SnapshotStore;
  settings: SnapshotSettings;
  clock?: () => number;
}

export interface RunSummary {
  shard: Shard;
  targets: { groups: number; rooms: number };
  discovery: { enabled: boolean; ok: boolean; groups: number; pages: number; error?: string };
  groups: PlanSummary;
  rooms: PlanSummary;
  samplesWritten: number;
  gapsWritten: number;
  gapsByReason: Record<string, number>;
  upstreamCalls: { tencent: number; volc: number };
  durationMs: number;
}

interface PlanSummary {
  intervalSeconds: number;
  lengthened: boolean;
  ticks: number;
  overCapacityTargets: number;
}

type Sampler = (target: Target, deadline: Deadline) => Promise<SnapshotRecord['values']>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const gapReason = (error: unknown): string => {
  const apiError = error instanceof UpstreamFailure ? upstreamToApiError(error) : error;
  if (!(apiError instanceof ApiError)) return 'internal';
  if (apiError.upstream?.provider === 'aws-secrets-manager') return 'secrets-unavailable';
  return apiError.code.toLowerCase().replace(/^upstream_/, 'upstream-').replace(/_/g, '-');
};

// Discovery results survive in a warm container, so a failed discovery still samples the
// groups found last time instead of none.
let lastDiscovered: Target[] = [];

export const runSnapshot = async (deps: SnapshotDependencies, shard: Shard): Promise<RunSummary> => {
  const clock = deps.clock ?? Date.now;
  const { settings, store } = deps;
  const startedAt = clock();
  const windowMs = settings.windowSeconds * 1000;
  const windowEnd = Math.floor(startedAt / windowMs) * windowMs + windowMs;
  const callsBefore = { tencent: deps.tencent?.upstreamCalls ?? 0, volc: deps.volc?.upstreamCalls ?? 0 };
  const summary: RunSummary = {
    shard,
    targets: { groups: 0, rooms: 0 },
    discovery: { enabled: settings.discovery && deps.tencent !== undefined, ok: true, groups: 0, pages: 0 },
    groups: { intervalSeconds: settings.intervalSeconds, lengthened: false, ticks: 0, overCapacityTargets: 0 },
    rooms: { intervalSeconds: settings.intervalSeconds, lengthened: false, ticks: 0, overCapacityTargets: 0 },
    samplesWritten: 0,
    gapsWritten: 0,
    gapsByReason: {},
    upstreamCalls: { tencent: 0, volc: 0 },
    durationMs: 0,
  };

  let discovered: Target[] = [];
  if (summary.discovery.enabled && deps.tencent) {
    try {
      const found = await discoverLiveGroups(deps.tencent, Deadline.after(Math.min(20_000, windowEnd - clock())));
      discovered = found.groups;
      lastDiscovered = found.groups;
      summary.discovery.groups = found.groups.length;
      summary.discovery.pages = found.pages;
    } catch (error) {
      discovered = lastDiscovered;
      summary.discovery.ok = false;
      summary.discovery.error = gapReason(error);
      log.error('group discovery failed; sampling configured and previously found groups', { error, previouslyFound: lastDiscovered.length });
    }
  }

  const groups = uniqueTargets([...settings.groups, ...discovered]).filter((target) => inShard(target, shard));
  const rooms = uniqueTargets(settings.rooms).filter((target) => inShard(target, shard));
  summary.targets = { groups: groups.length, rooms: rooms.length };

  const pendingWrites: Array<Promise<void>> = [];
  const writeDeadline = windowEnd + settings.windowSeconds * 1000 / 2 + 15_000;
  const countGaps = (records: SnapshotRecord[]) => {
    for (const record of records) summary.gapsByReason[record.gap as string] = (summary.gapsByReason[record.gap as string] ?? 0) + 1;
  };
  const write = (samples: SnapshotRecord[], gaps: SnapshotRecord[]) => {
    countGaps(gaps);
    pendingWrites.push((async () => {
      if (samples.length > 0) {
        await store.putSamples(samples, writeDeadline);
        summary.samplesWritten += samples.length;
      }
      if (gaps.length > 0) summary.gapsWritten += await store.putGapsIfAbsent(gaps, writeDeadline);
    })());
  };

  const runTicks = async (targets: Target[], ratePerSecond: number, sample: Sampler, planSummary: PlanSummary): Promise<void> => {
    if (targets.length === 0) return;
    const plan: Plan = planRun({ targets: targets.length, ratePerSecond, baseIntervalSeconds: settings.intervalSeconds, windowSeconds: settings.windowSeconds });
    Object.assign(planSummary, { intervalSeconds: plan.intervalSeconds, lengthened: plan.lengthened, overCapacityTargets: targets.length - plan.sampledTargets });
    if (plan.lengthened || plan.sampledTargets < targets.length) {
      log.warn('targets do not fit the base interval at this rate; interval lengthened', {
        targets: targets.length, ratePerSecond, intervalSeconds: plan.intervalSeconds, overCapacity: targets.length - plan.sampledTargets,
      });
    }
    const sampled = targets.slice(0, plan.sampledTargets);
    const overCapacity = targets.slice(plan.sampledTargets);
    const intervalMs = plan.intervalSeconds * 1000;
    const runTick = async (tick: number): Promise<void> => {
      const tickEnd = tick + intervalMs;
      planSummary.ticks += 1;
      if (overCapacity.length > 0) write([], overCapacity.map((target) => ({ key: targetKey(target), at: tick, gap: 'over-capacity' })));
      if (tickEnd <= clock()) {
        // This tick passed before the run could sample it (a late or retried invocation).
        write([], sampled.map((target) => ({ key: targetKey(target), at: tick, gap: 'missed' })));
        return;
      }
      if (sampled.length === 0) return;
      const spacingMs = intervalMs / sampled.length;
      const results: SnapshotRecord[] = new Array(sampled.length);
      const inFlight = new Set<Promise<void>>();
      for (let index = 0; index < sampled.length; index += 1) {
        const target = sampled[index] as Target;
        // Each target owns a slot of one interval from its planned start: the next time it is
        // sampled is exactly one interval later, so its calls never overlap. Every call starts
        // inside the window; the last ones may answer up to one interval after it.
        const plannedStart = tick + index * spacingMs;
        // Only sleep when ahead of plan (a timer costs a millisecond even when due); when behind,
        // still yield now and then so answers and writes are not held up by this loop.
        if (plannedStart - clock() >= 1) await sleep(plannedStart - clock());
        else if (index % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
        while (inFlight.size >= settings.maxInFlight) await Promise.race(inFlight);
        const key = targetKey(target);
        const task = sample(target, new Deadline(plannedStart + intervalMs - 50, clock))
          .then((values) => { results[index] = { key, at: tick, values }; })
          .catch((error: unknown) => {
            const gap = gapReason(error);
            if (gap === 'internal') log.error('a sample failed for an unexpected reason', { key, error });
            results[index] = { key, at: tick, gap };
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      await Promise.all(inFlight);
      write(results.filter((record) => record.values), results.filter((record) => record.gap));
    };

    // Ticks overlap: the slowest answers of one tick must not delay the start of the next.
    const ticks: Array<Promise<void>> = [];
    for (const tick of windowTicks(startedAt, settings.windowSeconds, plan.intervalSeconds)) {
      if (tick > clock()) await sleep(tick - clock());
      ticks.push(runTick(tick));
    }
    await Promise.all(ticks);
  };

  const sampleGroup: Sampler = async (target, deadline) => {
    if (target.kind !== 'group' || !deps.tencent) throw new Error('not a group');
    return { onlineCount: (await fetchOnlineCount(deps.tencent, target.groupId, deadline)).onlineCount };
  };
  const sampleRoom: Sampler = async (target, deadline) => {
    if (target.kind !== 'room' || !deps.volc) throw new Error('not a room');
    const users = await fetchRoomOnlineUsers(deps.volc, target.appId, target.roomId, deadline);
    return { totalUsers: users.totalUsers, totalInvisibleUsers: users.totalInvisibleUsers };
  };

  await Promise.all([
    runTicks(groups, settings.tencentRatePerSecond / shard.count, sampleGroup, summary.groups),
    runTicks(rooms, settings.volcRatePerSecond / shard.count, sampleRoom, summary.rooms),
  ]);
  const writeResults = await Promise.allSettled(pendingWrites);
  summary.upstreamCalls = {
    tencent: (deps.tencent?.upstreamCalls ?? 0) - callsBefore.tencent,
    volc: (deps.volc?.upstreamCalls ?? 0) - callsBefore.volc,
  };
  summary.durationMs = clock() - startedAt;
  const failedWrites = writeResults.filter((result) => result.status === 'rejected');
  log.info('snapshot run', { ...summary, failedWrites: failedWrites.length });
  if (failedWrites.length > 0) {
    // Failing the invocation lets EventBridge retry it; that run records the ticks it missed.
    throw new Error(`${failedWrites.length} snapshot writes failed: ${String((failedWrites[0] as PromiseRejectedResult).reason)}`);
  }
  return summary;
};
