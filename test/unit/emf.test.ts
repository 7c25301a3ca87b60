import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import fc from 'fast-check';
import { METRIC_UNITS, Metric, type MetricName } from '#lib/metrics/catalogue.ts';
import { type EmfGroup, emfLines, MAX_VALUES_PER_METRIC } from '#lib/metrics/emf.ts';
import { checkEmfBlob, type EmfBlob } from '#test/support/emf.ts';

// The EMF writer against Powertools Metrics, the ecosystem's writer it replaced (README
// "Decisions"): for the same dimension set, metrics, values and metadata, both must write the same
// object. Powertools stays a devDependency for this test and for the bench's cost table only.

const NAMESPACE = 'Livegate/test';
const METRIC_NAMES = Object.values(Metric) as MetricName[];

const withoutTimestamp = (line: string): unknown => {
  const blob = JSON.parse(line) as EmfBlob;
  checkEmfBlob(blob);
  return { ...blob, _aws: { ...blob._aws, Timestamp: 0 } };
};

// What Powertools writes to stdout, kept from the test's output.
const powertoolsLines = (group: EmfGroup): string[] => {
  const sink = new Metrics({ namespace: NAMESPACE, serviceName: 'livegate' });
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    for (const [name, value] of Object.entries(group.dimensions)) sink.addDimension(name, value);
    for (const [name, value] of Object.entries(group.metadata)) sink.addMetadata(name, value);
    for (const [metric, values] of group.values) for (const value of values) sink.addMetric(metric, MetricUnit[METRIC_UNITS[metric].unit], value);
    sink.publishStoredMetrics();
  } finally {
    process.stdout.write = write;
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'));
};

// Dimension and metadata names that cannot be a metric's or each other's; values that may be
// empty (which both writers leave out).
const dimensionName = fc.constantFrom('route', 'upstream', 'api', 'kind', 'code', 'reason', 'provider', 'source');
const metadataName = fc.constantFrom('requestId', 'note', 'tick');
// (Values CloudWatch would refuse beyond an empty one are tested on their own below: Powertools kept them.)
const text = fc.oneof(
  fc.constant(''),
  fc.string({ minLength: 1, maxLength: 40 }).filter((value) => /^[\x20-\x7E]*$/.test(value) && /\S/.test(value)),
);
// Powertools publishes by itself once a metric holds 100 values, so the comparison stays below.
const group = fc.record({
  dimensions: fc.dictionary(dimensionName, text, { maxKeys: 4 }),
  metadata: fc.dictionary(metadataName, fc.string({ maxLength: 20 }), { maxKeys: 2 }),
  values: fc
    .uniqueArray(fc.constantFrom(...METRIC_NAMES), { minLength: 1, maxLength: 6 })
    .chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc
            .array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 99 })
            .map((values) => [name, values] as const),
        ),
      ),
    )
    .map((entries) => new Map(entries)),
});

test('for any dimension set, metrics and metadata, the line is the one Powertools Metrics writes', () => {
  fc.assert(
    fc.property(group, (generated) => {
      const ours = emfLines(NAMESPACE, generated, Date.now()).map(withoutTimestamp);
      const theirs = powertoolsLines(generated).map(withoutTimestamp);
      expect(ours).toEqual(theirs);
    }),
    { numRuns: 150 },
  );
});

test('a metric with more than 100 values is cut into lines of 100 that all keep the dimensions and metadata', () => {
  const values = Array.from({ length: 250 }, (_, i) => i);
  const lines = emfLines(
    NAMESPACE,
    {
      dimensions: { route: 'GET /v1/tracking' },
      metadata: { requestId: 'r-1' },
      values: new Map([
        ['Latency', values],
        ['Requests', [250]],
      ]),
    },
    1_700_000_000_000,
  ).map((line) => JSON.parse(line) as EmfBlob);
  for (const blob of lines) checkEmfBlob(blob);
  expect(lines.map((blob) => [blob.route, blob.requestId, blob._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name), blob.Latency])).toEqual([
    ['GET /v1/tracking', 'r-1', ['Latency', 'Requests'], values.slice(0, MAX_VALUES_PER_METRIC)],
    ['GET /v1/tracking', 'r-1', ['Latency'], values.slice(100, 200)],
    ['GET /v1/tracking', 'r-1', ['Latency'], values.slice(200)],
  ]);
  expect(lines.every((blob) => blob._aws.Timestamp === 1_700_000_000_000 && blob._aws.CloudWatchMetrics[0]?.Namespace === NAMESPACE)).toBe(true);
});

test('a dimension value CloudWatch would refuse is left out; metadata never overwrites a dimension or a metric', () => {
  const [line] = emfLines(
    NAMESPACE,
    {
      dimensions: { route: 'x'.repeat(1025), upstream: 'tencent-im', api: '   ', kind: 'caf\u00e9', code: 'a\tb', reason: 'x'.repeat(1024) },
      metadata: { upstream: 'spoofed', UpstreamCalls: 'spoofed', _aws: 'spoofed' },
      values: new Map([['UpstreamCalls', [3]]]),
    },
    1,
  );
  const blob = JSON.parse(line as string) as EmfBlob;
  checkEmfBlob(blob);
  expect(blob._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'upstream', 'reason']]);
  expect([blob.upstream, blob.UpstreamCalls, blob.route]).toEqual(['tencent-im', 3, undefined]);
});

test('values that are not finite numbers are left out, and a metric left with none is not written', () => {
  const lines = emfLines(
    NAMESPACE,
    {
      dimensions: {},
      metadata: {},
      values: new Map([
        ['Latency', [1, Number.NaN, Number.POSITIVE_INFINITY, 2]],
        ['Requests', [Number.NaN]],
      ]),
    },
    1,
  );
  expect(
    lines.map((line) => JSON.parse(line) as EmfBlob).map((blob) => [blob._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name), blob.Latency]),
  ).toEqual([[['Latency'], [1, 2]]]);
});

test('one dimension set can never need more than one line for its metrics (CloudWatch allows 100 a line)', () => {
  expect(METRIC_NAMES.length).toBeLessThan(100);
});
