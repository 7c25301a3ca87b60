import { METRIC_UNITS, type MetricName, SERVICE } from './catalogue.ts';

// CloudWatch Embedded Metric Format: one JSON object a line, whose `_aws` directive names which of
// its properties are metrics (with their unit) and which are the dimensions they are published
// under. CloudWatch Logs extracts the metrics from the log line; nothing else is involved. Written
// here rather than with Powertools Metrics, which added 17 KB to every bundle for the same line and,
// in two bench runs, 6 to 9 ms to every cold start (README "Decisions"; test/unit/emf.test.ts holds
// the two to the same output).

/** CloudWatch's limit of values of one metric in one EMF object. (Its other limit, 100 metrics in one
 * object, cannot be reached: the catalogue has fewer metrics, and test/unit/emf.test.ts says so.) */
export const MAX_VALUES_PER_METRIC = 100;
/** A dimension value CloudWatch accepts: 1 to 1,024 printable ASCII characters, not all spaces. */
const DIMENSION_VALUE = /^(?=[\x20-\x7E]*[\x21-\x7E])[\x20-\x7E]{1,1024}$/;

/** What one flush holds for one dimension set. */
export interface EmfGroup {
  dimensions: Readonly<Record<string, string>>;
  values: ReadonlyMap<MetricName, readonly number[]>;
  metadata: Readonly<Record<string, string>>;
}

// A dimension CloudWatch would refuse the whole line for is left out, so the metric is still counted
// under the dimensions that remain (Powertools left out empty values only).
const usableDimensions = (dimensions: Readonly<Record<string, string>>): Array<[string, string]> =>
  Object.entries(dimensions).filter(([, value]) => typeof value === 'string' && DIMENSION_VALUE.test(value));

// CloudWatch takes numbers only; NaN and Infinity would not even survive JSON.
const finite = (values: readonly number[]): readonly number[] => (values.every(Number.isFinite) ? values : values.filter(Number.isFinite));

/**
 * The EMF lines (without newline) for one dimension set: one line, or more when a metric has over
 * 100 values; each line repeats the dimensions and the metadata, so no value loses them.
 */
export const emfLines = (namespace: string, group: EmfGroup, timestamp: number): string[] => {
  const dimensions: Array<[string, string]> = [['service', SERVICE], ...usableDimensions(group.dimensions).filter(([name]) => name !== 'service')];
  const dimensionNames = dimensions.map(([name]) => name);
  const metricValues = [...group.values].map(([metric, values]): [MetricName, readonly number[]] => [metric, finite(values)]);
  const lineCount = Math.max(0, ...metricValues.map(([, values]) => Math.ceil(values.length / MAX_VALUES_PER_METRIC)));
  const slices = Array.from({ length: lineCount }, (_, line) =>
    metricValues
      .map(([metric, values]): [MetricName, readonly number[]] => [metric, values.slice(line * MAX_VALUES_PER_METRIC, (line + 1) * MAX_VALUES_PER_METRIC)])
      .filter(([, values]) => values.length > 0),
  );
  return slices.map((metrics) => {
    // Metadata first: a metadata key never overwrites a dimension or a metric of the same name.
    const blob: Record<string, unknown> = {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: [dimensionNames], Metrics: metrics.map(([name]) => ({ Name: name, Unit: METRIC_UNITS[name].unit })) },
        ],
      },
    };
    for (const [name, value] of Object.entries(group.metadata)) if (name !== '_aws') blob[name] = value;
    for (const [name, value] of dimensions) blob[name] = value;
    for (const [name, values] of metrics) blob[name] = values.length === 1 ? values[0] : values;
    return JSON.stringify(blob);
  });
};
