import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { sleep } from '#lib/sleep.ts';
import { gapReason } from './gap-reason.ts';
import { planRun, windowTicks } from './plan.ts';
import type { Sampler } from './providers.ts';
import type { SnapshotRecord } from './store.ts';
import { type Target, targetKey } from './targets.ts';

// Step 3 of a run: sample each target once per tick across the window, spread evenly inside each
// tick and under the rate, and hand every tick of every target on as a sample or a gap.

export interface PlanSummary {
  intervalSeconds: number;
  lengthened: boolean;
  ticks: number;
  overCapacityTargets: number;
  /**
   * The worst lag behind the plan: for each tick, how long after the planned start of its last
   * slot its last sample (or gap) was in hand. Upstream latency, the rate gate, the in-flight limit
   * and a busy event loop all show here; an interval's worth means the tick ran out of time.
   */
  worstTickLagMs: number;
}

export interface TickSampling {
  targets: Target[];
  ratePerSecond: number;
  baseIntervalSeconds: number;
  windowSeconds: number;
  maxInFlight: number;
  sample: Sampler;
  /** After each sample of a target that exists: whether its values went to the room's audience. Never throws. */
  afterSample?: (target: Target, values: NonNullable<SnapshotRecord['values']>, tick: number, deadline: Deadline) => Promise<boolean>;
  /** When the run started: its window is the one this falls in. */
  startedAt: number;
  clock: () => number;
  emit: (samples: SnapshotRecord[], gaps: SnapshotRecord[]) => void;
}

export const emptyPlanSummary = (intervalSeconds: number): PlanSummary => ({
  intervalSeconds,
  lengthened: false,
  ticks: 0,
  overCapacityTargets: 0,
  worstTickLagMs: 0,
});

export const sampleTicks = async (job: TickSampling): Promise<PlanSummary> => {
  const { targets, clock, emit } = job;
  const summary = emptyPlanSummary(job.baseIntervalSeconds);
  if (targets.length === 0) return summary;
  const plan = planRun({
    targets: targets.length,
    ratePerSecond: job.ratePerSecond,
    baseIntervalSeconds: job.baseIntervalSeconds,
    windowSeconds: job.windowSeconds,
  });
  Object.assign(summary, { intervalSeconds: plan.intervalSeconds, lengthened: plan.lengthened, overCapacityTargets: targets.length - plan.sampledTargets });
  if (plan.lengthened || plan.sampledTargets < targets.length) {
    log.warn('targets do not fit the base interval at this rate; interval lengthened', {
      targets: targets.length,
      ratePerSecond: job.ratePerSecond,
      intervalSeconds: plan.intervalSeconds,
      overCapacity: targets.length - plan.sampledTargets,
    });
  }
  const sampled = targets.slice(0, plan.sampledTargets);
  const overCapacity = targets.slice(plan.sampledTargets);
  const intervalMs = plan.intervalSeconds * 1000;

  const runTick = async (tick: number): Promise<void> => {
    summary.ticks += 1;
    if (overCapacity.length > 0)
      emit(
        [],
        overCapacity.map((target) => ({ key: targetKey(target), at: tick, gap: 'over-capacity' })),
      );
    if (tick + intervalMs <= clock()) {
      // This tick passed before the run could sample it (a late or retried invocation).
      emit(
        [],
        sampled.map((target) => ({ key: targetKey(target), at: tick, gap: 'missed' })),
      );
      return;
    }
    if (sampled.length === 0) return;
    const spacingMs = intervalMs / sampled.length;
    const results: SnapshotRecord[] = new Array(sampled.length);
    const inFlight = new Set<Promise<void>>();
    const pushes: Array<Promise<void>> = [];
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
      while (inFlight.size >= job.maxInFlight) await Promise.race(inFlight);
      const key = targetKey(target);
      const slotEnd = new Deadline(plannedStart + intervalMs - 50, clock);
      const task = job
        .sample(target, slotEnd)
        .then((sample) => {
          const record: SnapshotRecord = { key, at: tick, values: sample.values };
          results[index] = record;
          // The push runs beside the sampling, outside its in-flight count, so a slow or
          // throttled push can never hold the next samples back; it only delays this tick's write.
          if (job.afterSample && !sample.gone) {
            pushes.push(
              job.afterSample(target, sample.values, tick, slotEnd).then((pushed) => {
                if (pushed) record.pushed = true;
              }),
            );
          }
        })
        .catch((error: unknown) => {
          const gap = gapReason(error);
          if (gap === 'internal') log.error('a sample failed for an unexpected reason', { key, error });
          results[index] = { key, at: tick, gap };
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    const lastSlotStart = tick + (sampled.length - 1) * spacingMs;
    summary.worstTickLagMs = Math.max(summary.worstTickLagMs, Math.round(clock() - lastSlotStart));
    await Promise.all(pushes);
    emit(
      results.filter((record) => record.values),
      results.filter((record) => record.gap),
    );
  };

  // Ticks overlap: the slowest answers of one tick must not delay the start of the next.
  const ticks: Array<Promise<void>> = [];
  for (const tick of windowTicks(job.startedAt, job.windowSeconds, plan.intervalSeconds)) {
    if (tick > clock()) await sleep(tick - clock());
    ticks.push(runTick(tick));
  }
  await Promise.all(ticks);
  return summary;
};
