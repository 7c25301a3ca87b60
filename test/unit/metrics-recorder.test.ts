import { Metric } from '#lib/metrics/catalogue.ts';
import { MetricsRecorder } from '#lib/metrics/recorder.ts';
import { capturingStdout, emfBlobsIn, emfMetrics } from '#test/support/emf.ts';

// The recorder's grouping of metrics into EMF lines, read back as CloudWatch would.

test('counts are summed per dimension set; each set is one valid line, in the namespace configured', async () => {
  const recorder = new MetricsRecorder();
  recorder.configure({ namespace: 'UnitTest' });
  const { stdout } = await capturingStdout(async () => {
    for (let i = 0; i < 5; i += 1) recorder.add(Metric.UpstreamCalls, 1, { upstream: 'tencent-im', api: 'get_online_member_num' });
    recorder.add(Metric.UpstreamRetries, 2, { upstream: 'tencent-im', api: 'get_online_member_num' });
    recorder.add(Metric.UpstreamCalls, 1, { upstream: 'volcengine-rtc', api: 'GetRoomOnlineUsers' });
    recorder.add(Metric.SnapshotRuns, Number.NaN, {});
    recorder.flush();
    recorder.flush();
  });
  expect(emfBlobsIn(stdout)).toHaveLength(2);
  expect(emfMetrics(stdout)).toEqual([
    {
      namespace: 'UnitTest',
      name: 'UpstreamCalls',
      unit: 'Count',
      dimensions: { service: 'livegate', upstream: 'tencent-im', api: 'get_online_member_num' },
      value: 5,
    },
    {
      namespace: 'UnitTest',
      name: 'UpstreamRetries',
      unit: 'Count',
      dimensions: { service: 'livegate', upstream: 'tencent-im', api: 'get_online_member_num' },
      value: 2,
    },
    {
      namespace: 'UnitTest',
      name: 'UpstreamCalls',
      unit: 'Count',
      dimensions: { service: 'livegate', upstream: 'volcengine-rtc', api: 'GetRoomOnlineUsers' },
      value: 1,
    },
  ]);
});

test('latencies keep every value, cut into lines of at most 100 values that all keep their dimensions', async () => {
  const recorder = new MetricsRecorder();
  const { stdout } = await capturingStdout(async () => {
    for (let i = 0; i < 150; i += 1) recorder.add(Metric.Latency, i, { route: 'GET /v1/tracking' });
    recorder.add(Metric.Requests, 150, { route: 'GET /v1/tracking' });
    recorder.flush();
  });
  const metrics = emfMetrics(stdout);
  expect(metrics.map((entry) => [entry.name, entry.dimensions.route, Array.isArray(entry.value) ? entry.value.length : entry.value])).toEqual([
    ['Latency', 'GET /v1/tracking', 100],
    ['Requests', 'GET /v1/tracking', 150],
    ['Latency', 'GET /v1/tracking', 50],
  ]);
  expect(metrics[0]?.namespace).toBe('Livegate');
});

test('a sink that fails never fails the invocation: the flush is logged, dropped, and the next one starts clean', () => {
  const written: string[][] = [];
  let failing = true;
  const recorder = new MetricsRecorder((_namespace, groups) => {
    if (failing) throw new Error('stdout is gone');
    written.push(groups.flatMap((group) => [...group.values.keys()]));
  });
  const warnings: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => warnings.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    recorder.add(Metric.Requests, 1, { route: 'GET /v1/tracking' });
    expect(() => recorder.flush()).not.toThrow();
  } finally {
    process.stderr.write = write;
  }
  expect(warnings.join('')).toContain('metrics could not be written');
  failing = false;
  recorder.add(Metric.SnapshotRuns, 1, {});
  recorder.flush();
  expect(written).toEqual([['SnapshotRuns']]);
});
