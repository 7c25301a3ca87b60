import { DEFAULT_METRICS_NAMESPACE, type MetricsConfig } from '#lib/config/metrics.ts';
import { log } from '#lib/log.ts';
import { METRIC_UNITS, type MetricDimensions, type MetricName } from './catalogue.ts';
import { type EmfGroup, emfLines } from './emf.ts';

// Metrics are collected in memory during an invocation and written once, at its end, as CloudWatch
// Embedded Metric Format lines on stdout (emf.ts). One EMF object holds one dimension set, so
// metrics are grouped by their dimensions: each group is one line, holding each of its metrics
// once. Counts are summed first: a snapshot run makes thousands of upstream calls, and one line a
// call would cost more in log ingestion than the metrics themselves.

interface Group extends EmfGroup {
  values: Map<MetricName, number[]>;
  metadata: Record<string, string>;
}

/** Writes one flush's groups; throws if it cannot. */
export type MetricsSink = (namespace: string, groups: readonly EmfGroup[]) => void;

/** EMF on stdout, one write per line: CloudWatch Logs takes one log event per line of stdout. */
const emfOnStdout: MetricsSink = (namespace, groups) => {
  const timestamp = Date.now();
  for (const group of groups) for (const line of emfLines(namespace, group, timestamp)) process.stdout.write(`${line}\n`);
};

const groupKey = (dimensions: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)));

export class MetricsRecorder {
  private namespace = DEFAULT_METRICS_NAMESPACE;
  private readonly groups = new Map<string, Group>();
  private readonly sink: MetricsSink;

  constructor(sink: MetricsSink = emfOnStdout) {
    this.sink = sink;
  }

  /** Set by each function's composition root, from its configuration. */
  configure(config: MetricsConfig): void {
    this.namespace = config.namespace;
  }

  add<M extends MetricName>(metric: M, value: number, dimensions: MetricDimensions[M]): void {
    if (!Number.isFinite(value)) return;
    const values = this.groupOf(dimensions).values;
    const held = values.get(metric);
    if (!held) values.set(metric, [value]);
    else if (METRIC_UNITS[metric].values === 'sum') held[0] = (held[0] as number) + value;
    else held.push(value);
  }

  /** Context written beside `metric` and the others of its dimension set: a property of the line, not a dimension. */
  annotate<M extends MetricName>(_metric: M, dimensions: MetricDimensions[M], metadata: Record<string, string>): void {
    Object.assign(this.groupOf(dimensions).metadata, metadata);
  }

  /**
   * Writes everything collected since the last flush, then forgets it. Never throws: a metrics
   * problem is logged and the invocation goes on.
   */
  flush(): void {
    if (this.groups.size === 0) return;
    const groups = [...this.groups.values()];
    this.groups.clear();
    try {
      this.sink(this.namespace, groups);
    } catch (error) {
      log.warn('metrics could not be written', { error });
    }
  }

  /** Forgets what was collected without writing it (tests and benchmarks that only want their own). */
  discard(): void {
    this.groups.clear();
  }

  private groupOf(dimensions: object): Group {
    const record = dimensions as Record<string, string>;
    const key = groupKey(record);
    let group = this.groups.get(key);
    if (!group) {
      group = { dimensions: { ...record }, values: new Map(), metadata: {} };
      this.groups.set(key, group);
    }
    return group;
  }
}

/** The container's one recorder: every part of a function adds to it, and its wrapper flushes it. */
export const metrics = new MetricsRecorder();

export const configureMetrics = (config: MetricsConfig): void => metrics.configure(config);
