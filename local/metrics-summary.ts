import { Metric } from '#lib/metrics/catalogue.ts';

// `npm start` shows each snapshot run as one line, read from the run's own EMF lines (the numbers
// CloudWatch gets in AWS), so what is seen locally is what the metrics say:
//   snapshot run 12:00:00–12:01:02: 6 targets (discovery 3, config 2, callback 1) · 36 samples · 0 gaps · 12 pushes · 62,310 ms · lag 12 ms
// A run writes its lines together and its SnapshotRuns line last (lib/snapshots/run-metrics.ts).

interface Blob {
  _aws?: { Timestamp?: number; CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name: string }> }> };
  [property: string]: unknown;
}

const SOURCES = ['discovery', 'config', 'api', 'callback'] as const;

const time = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);
const count = (value: number): string => value.toLocaleString('en-US');
const sumOf = (value: unknown): number => (Array.isArray(value) ? value.reduce((sum: number, entry) => sum + Number(entry), 0) : Number(value ?? 0));

export class SnapshotRunSummaries {
  private pending: Blob[] = [];

  /** Takes one output line; answers the summary once the line that ends a run arrives. */
  read(line: string): string | undefined {
    if (!line.startsWith('{') || !line.includes('"_aws"') || !line.includes('"Snapshot')) return undefined;
    let blob: Blob;
    try {
      blob = JSON.parse(line) as Blob;
    } catch {
      return undefined;
    }
    this.pending.push(blob);
    if (!(Metric.SnapshotRuns in blob)) return undefined;
    const blobs = this.pending;
    this.pending = [];
    return summaryLine(blobs);
  }
}

/** The one-line summary of a run's EMF lines. */
export const summaryLine = (blobs: Blob[]): string => {
  const total = (metric: string, where: (blob: Blob) => boolean = () => true) =>
    blobs.filter((blob) => metric in blob && where(blob)).reduce((sum, blob) => sum + sumOf(blob[metric]), 0);
  const run = blobs.find((blob) => Metric.SnapshotRuns in blob) as Blob;
  const endedAt = run._aws?.Timestamp ?? Date.now();
  const durationMs = total(Metric.SnapshotRunDuration);
  const bySource = SOURCES.map((source) => [source, total(Metric.SnapshotTargets, (blob) => blob.source === source)] as const).filter(([, n]) => n > 0);
  const gapReasons = blobs
    .filter((blob) => Metric.SnapshotGapsByReason in blob)
    .map((blob) => `${blob.reason} ${count(sumOf(blob[Metric.SnapshotGapsByReason]))}`)
    .sort();
  const gaps = total(Metric.SnapshotGaps);
  const pushFailures = total(Metric.SnapshotPushFailures);
  const failed = total(Metric.SnapshotRuns) === 0 ? ' · FAILED (writes did not land)' : '';
  return [
    `snapshot run ${time(endedAt - durationMs)}–${time(endedAt)}: ${count(Number(run.targets ?? 0))} targets${bySource.length > 0 ? ` (${bySource.map(([source, n]) => `${source} ${count(n)}`).join(', ')})` : ''}`,
    `${count(total(Metric.SnapshotSamples))} samples`,
    `${count(gaps)} gaps${gaps > 0 && gapReasons.length > 0 ? ` (${gapReasons.join(', ')})` : ''}`,
    `${count(total(Metric.SnapshotPushes))} pushes${pushFailures > 0 ? ` (${count(pushFailures)} failed)` : ''}`,
    `${count(durationMs)} ms`,
    `lag ${count(total(Metric.SnapshotTickLag))} ms${failed}`,
  ].join(' · ');
};
