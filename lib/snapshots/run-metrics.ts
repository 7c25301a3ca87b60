import { Metric, type PushProvider } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { TRACKING_SOURCES } from '#lib/tracking/tracked-target.ts';
import type { PushSummary } from './audience-sync.ts';
import type { RunSummary } from './run.ts';

// A run's metrics, from its summary (the same numbers its log line holds). Every source and
// provider is written even at zero, so a dashboard shows a drop to nothing rather than no data.

const failuresOf = (pushes: PushSummary): number => Object.values(pushes.failed).reduce((sum, count) => sum + count, 0);

/** Gaps are ticks this run could not sample, by reason; the total is their sum. */
export const gapsOf = (summary: RunSummary): number => Object.values(summary.gapsByReason).reduce((sum, count) => sum + count, 0);

/** `completed`: every write of the run landed; a run that failed them counts 0 SnapshotRuns, so the missing-runs alarm sees it. */
export const countSnapshotRun = (summary: RunSummary, completed: boolean): void => {
  for (const source of TRACKING_SOURCES) metrics.add(Metric.SnapshotTargets, summary.targetsBySource[source] ?? 0, { source });
  for (const [reason, count] of Object.entries(summary.gapsByReason)) metrics.add(Metric.SnapshotGapsByReason, count, { reason });
  const pushes: Array<[PushProvider, PushSummary]> = [
    ['tencent-im', summary.pushes.tencent],
    ['volcengine-rtc', summary.pushes.volc],
  ];
  for (const [provider, pushed] of pushes) {
    metrics.add(Metric.SnapshotPushes, pushed.sent, { provider });
    metrics.add(Metric.SnapshotPushFailures, failuresOf(pushed), { provider });
  }
  // The run's own line comes last: the local summary (npm start) reads a run up to it.
  metrics.add(Metric.SnapshotSamples, summary.samplesWritten, {});
  metrics.add(Metric.SnapshotGaps, gapsOf(summary), {});
  metrics.add(Metric.SnapshotRunDuration, summary.durationMs, {});
  metrics.add(Metric.SnapshotTickLag, Math.max(summary.groups.worstTickLagMs, summary.rooms.worstTickLagMs), {});
  metrics.add(Metric.SnapshotRuns, completed ? 1 : 0, {});
  metrics.annotate(Metric.SnapshotRuns, {}, { targets: String(summary.targets.groups + summary.targets.rooms) });
};
