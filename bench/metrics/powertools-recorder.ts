import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, type MetricsConfig } from '#lib/config/metrics.ts';
import { log } from '#lib/log.ts';
import { METRIC_UNITS, type MetricDimensions, type MetricName, SERVICE } from '#lib/metrics/catalogue.ts';

// The recorder as it was with Powertools Metrics as its EMF writer, before lib/metrics/emf.ts
// replaced it (README "Decisions"): swapped in by bench/metrics-cost.ts for the "Powertools" build
// only, so the bench keeps pricing what Powertools would cost. Same interface as
// lib/metrics/recorder.ts.

// Metrics are collected in memory during an invocation and written once, at its end, as CloudWatch
// Embedded Metric Format lines on stdout (Powertools Metrics serialises them). One EMF object holds
// one dimension set, so metrics are grouped by their dimensions: each group is one line, holding
// each of its metrics once. Counts are summed first: a snapshot run makes thousands of upstream
// calls, and one line a call would cost more in log ingestion than the metrics themselves.

// Powertools flushes by itself at 100 metrics or 100 values of one metric, and that flush drops the
// dimensions of what follows; a group never has 100 metrics, and its values are cut below 100.
const MAX_VALUES_PER_LINE = 99;

interface Group {
  dimensions: Readonly<Record<string, string>>;
  values: Map<MetricName, number[]>;
  metadata: Record<string, string>;
}

const groupKey = (dimensions: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)));

export class MetricsRecorder {
  private sink: Metrics | undefined;
  private namespace = DEFAULT_METRICS_NAMESPACE;
  private readonly groups = new Map<string, Group>();

  /** Set by each function's composition root, from its configuration. */
  configure(config: MetricsConfig): void {
    if (config.namespace === this.namespace && this.sink) return;
    this.namespace = config.namespace;
    this.sink = undefined;
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
      const sink = this.sinkNow();
      for (const group of groups) this.write(sink, group);
    } catch (error) {
      this.sink?.clearDimensions();
      this.sink?.clearMetrics();
      this.sink?.clearMetadata();
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

  private write(sink: Metrics, group: Group): void {
    for (let offset = 0; ; offset += MAX_VALUES_PER_LINE) {
      let any = false;
      for (const [name, value] of Object.entries(group.dimensions)) sink.addDimension(name, value);
      for (const [name, value] of Object.entries(group.metadata)) sink.addMetadata(name, value);
      for (const [metric, values] of group.values) {
        for (const value of values.slice(offset, offset + MAX_VALUES_PER_LINE)) {
          sink.addMetric(metric, MetricUnit[METRIC_UNITS[metric].unit], value);
          any = true;
        }
      }
      if (!any) {
        sink.clearDimensions();
        sink.clearMetadata();
        return;
      }
      sink.publishStoredMetrics();
    }
  }

  private sinkNow(): Metrics {
    this.sink ??= new Metrics({ namespace: this.namespace, serviceName: SERVICE });
    return this.sink;
  }
}

/** The container's one recorder: every part of a function adds to it, and its wrapper flushes it. */
export const metrics = new MetricsRecorder();

export const configureMetrics = (config: MetricsConfig): void => metrics.configure(config);
