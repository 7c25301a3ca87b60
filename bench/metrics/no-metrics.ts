import type { MetricsConfig } from '#lib/config/metrics.ts';
import type { MetricDimensions, MetricName } from '#lib/metrics/catalogue.ts';

// What the functions would be without metrics: lib/metrics/recorder.ts's interface doing nothing
// and importing nothing, swapped in by bench/metrics-cost.ts for the "without" builds only.

class NoMetrics {
  configure(_config: MetricsConfig): void {}
  add<M extends MetricName>(_metric: M, _value: number, _dimensions: MetricDimensions[M]): void {}
  annotate<M extends MetricName>(_metric: M, _dimensions: MetricDimensions[M], _metadata: Record<string, string>): void {}
  flush(): void {}
  discard(): void {}
}

export const metrics = new NoMetrics();

export const configureMetrics = (config: MetricsConfig): void => metrics.configure(config);
