import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsConfig } from '#lib/config/metrics.ts';
import { METRIC_UNITS, SERVICE } from '#lib/metrics/catalogue.ts';
import type { EmfGroup } from '#lib/metrics/emf.ts';
import { MetricsRecorder, type MetricsSink } from '#lib/metrics/recorder.ts';

// The recorder writing through Powertools Metrics 2.36.0, as it did before lib/metrics/emf.ts
// replaced it (README "Decisions"): swapped in by bench/metrics-cost.ts for its "Powertools" build
// only, so the bench keeps pricing what Powertools would cost. The grouping is the shipped
// recorder's; only the line is written by Powertools. (The build also carries lib/metrics/emf.ts,
// the shipped recorder's default sink, unused: about 1 KB of its bundle figure.)

// Powertools publishes by itself at 100 values of one metric, and that flush drops the dimensions
// of what follows; so a group's values go out in slices below 100.
const MAX_VALUES_PER_LINE = 99;

const sinks = new Map<string, Metrics>();

const publish = (sink: Metrics, group: EmfGroup): void => {
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
};

const throughPowertools: MetricsSink = (namespace, groups) => {
  let sink = sinks.get(namespace);
  if (!sink) {
    sink = new Metrics({ namespace, serviceName: SERVICE });
    sinks.set(namespace, sink);
  }
  try {
    for (const group of groups) publish(sink, group);
  } catch (error) {
    sink.clearDimensions();
    sink.clearMetrics();
    sink.clearMetadata();
    throw error;
  }
};

export const metrics = new MetricsRecorder(throughPowertools);

export const configureMetrics = (config: MetricsConfig): void => metrics.configure(config);
