import { createHash } from 'node:crypto';
import { SnapshotRunSummaries } from '#local/metrics-summary.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';
import { functionEnvironment } from '#support/local-aws.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { capturingStdout, type EmfMetric, emfMetrics, sortedMetrics } from '#test/support/emf.ts';
import { emulator, emulatorUrl, pastRefreshCooldown } from '#test/support/http.ts';
import { dynamoEndpoint, freshRegistryTable } from '#test/support/snapshots.ts';

// The EMF lines real handlers write, in this process, against the suite's emulator and dynalite:
// the names, units, dimensions and values of the metric catalogue (README "Metrics"), as
// CloudWatch would read them from the function's stdout. Nothing stands in for CloudWatch: EMF is
// only JSON on stdout, and checkEmfBlob checks each line the way CloudWatch would take it.

const NAMESPACE = 'LivegateTest';
const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const ONLINE_COUNT = 'GET /v1/groups/{groupId}/online-count';
const TENCENT_CALLBACK = 'POST /v1/callbacks/tencent';
const GONE_GROUP = '@TGS#aMETRICSGONE';
const LIVE_GROUP = '@TGS#aMETRICSLIVE';
const ROOM = 'metrics-room';
/** Tracked by the accepted callback, so the snapshot run samples it too (source callback). */
const CALLBACK_GROUP = '@TGS#aMETRICSCB';

const metric = (name: string, unit: string, dimensions: Record<string, string>, value: unknown): EmfMetric =>
  ({ namespace: NAMESPACE, name, unit, dimensions: { service: 'livegate', ...dimensions }, value }) as EmfMetric;

/** Every dimension value of every line; none may name a group or room. */
const expectNoTargetIn = (metrics: EmfMetric[]) => {
  const values = metrics.flatMap((entry) => Object.values(entry.dimensions));
  for (const id of ['@TGS#', GONE_GROUP, LIVE_GROUP, ROOM, 'aMETRICS']) expect(values.filter((value) => value.includes(id))).toEqual([]);
};

let handlers: { onlineCount: HttpHandler; tencentCallback: HttpHandler; snapshot: (event: unknown, context: unknown) => Promise<any> };

beforeAll(async () => {
  Object.assign(process.env, functionEnvironment(emulatorUrl(), dynamoEndpoint()), {
    METRICS_NAMESPACE: NAMESPACE,
    LOG_LEVEL: 'error',
    RTC_APP_ID: APP,
    SNAPSHOT_TABLE: process.env.LIVEGATE_TABLE,
    TRACKING_TABLE: await freshRegistryTable(),
    SNAPSHOT_WINDOW_SECONDS: '2',
    SNAPSHOT_INTERVAL_SECONDS: '1',
    SNAPSHOT_DISCOVERY: 'on',
    SNAPSHOT_GROUP_IDS: GONE_GROUP,
    SNAPSHOT_ROOM_IDS: ROOM,
  });
  // Each handler composes itself from the environment when it is loaded, as in Lambda.
  handlers = {
    onlineCount: (await import('#handlers/group-online-count.ts')).handler as HttpHandler,
    tencentCallback: (await import('#handlers/callback-tencent.ts')).handler as HttpHandler,
    snapshot: (await import('#handlers/snapshot.ts')).handler as (event: unknown, context: unknown) => Promise<any>,
  };
  await emulator.reset();
  await emulator.putGroup(LIVE_GROUP, { type: 'AVChatRoom', onlineCount: 7 });
  // The first invocations carry the secret reads their functions started at init; the tests start after them.
  await capturingStdout(async () => {
    await handlers.onlineCount(httpEvent('GET', `/v1/groups/${encodeURIComponent(LIVE_GROUP)}/online-count`), lambdaContext('warm-1'));
    await handlers.tencentCallback(httpEvent('POST', '/v1/callbacks/tencent', { body: '{}' }), lambdaContext('warm-2'));
  });
});

afterEach(async () => {
  await emulator.clearFaults();
});

const invoke = async (handler: HttpHandler, event: unknown) => {
  const { result, stdout } = await capturingStdout(() => handler(event, lambdaContext(`metrics-${Math.random()}`)));
  const metrics = emfMetrics(stdout);
  expectNoTargetIn(metrics);
  return { status: result.statusCode, metrics: sortedMetrics(metrics) };
};

const onlineCountOf = (groupId: string) => invoke(handlers.onlineCount, httpEvent('GET', `/v1/groups/${encodeURIComponent(groupId)}/online-count`));
const latency = (route: string) => metric('Latency', 'Milliseconds', { route }, expect.any(Number));

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const signedTencentCallback = (options: { requestTime?: number; sign?: string; body?: string } = {}) => {
  const requestTime = String(options.requestTime ?? Math.floor(Date.now() / 1000));
  const query = {
    SdkAppid: String(DEMO_CREDENTIALS.tencent.sdkAppId),
    CallbackCommand: 'Group.CallbackAfterCreateGroup',
    contenttype: 'json',
    Sign: options.sign ?? sha256(`${DEMO_CREDENTIALS.tencent.callbackToken}${requestTime}`),
    RequestTime: requestTime,
  };
  const body = options.body ?? JSON.stringify({ CallbackCommand: query.CallbackCommand, GroupId: CALLBACK_GROUP, Type: 'AVChatRoom', EventTime: Date.now() });
  return httpEvent('POST', '/v1/callbacks/tencent', { query, body });
};

describe('HTTP functions', () => {
  test('an answered request: Requests and Latency of its route, and one upstream call', async () => {
    const { status, metrics } = await onlineCountOf(LIVE_GROUP);
    expect(status).toBe(200);
    expect(metrics).toEqual(
      sortedMetrics([
        metric('Requests', 'Count', { route: ONLINE_COUNT }, 1),
        latency(ONLINE_COUNT),
        metric('UpstreamCalls', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 1),
      ]),
    );
  });

  test('an error answer: ErrorResponses by contract code, and the upstream failure by kind', async () => {
    const { status, metrics } = await onlineCountOf('@TGS#aMETRICSNONE');
    expect(status).toBe(404);
    expect(metrics).toEqual(
      sortedMetrics([
        metric('Requests', 'Count', { route: ONLINE_COUNT }, 1),
        latency(ONLINE_COUNT),
        metric('ErrorResponses', 'Count', { route: ONLINE_COUNT, code: 'GROUP_NOT_FOUND' }, 1),
        metric('UpstreamCalls', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 1),
        metric('UpstreamFailures', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num', kind: 'group-not-found' }, 1),
      ]),
    );
  });

  test('a transient upstream error retried: two calls, one retry, no failure', async () => {
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', httpStatus: 502, times: 1 });
    const { status, metrics } = await onlineCountOf(LIVE_GROUP);
    expect(status).toBe(200);
    expect(metrics).toEqual(
      sortedMetrics([
        metric('Requests', 'Count', { route: ONLINE_COUNT }, 1),
        latency(ONLINE_COUNT),
        metric('UpstreamCalls', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 2),
        metric('UpstreamRetries', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 1),
      ]),
    );
  });

  test('credentials rejected: the one recovery (a secret re-read) is a retry, then an auth failure counted twice', async () => {
    await pastRefreshCooldown();
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 70003 });
    const { status, metrics } = await onlineCountOf(LIVE_GROUP);
    expect(status).toBe(502);
    expect(metrics).toEqual(
      sortedMetrics([
        metric('Requests', 'Count', { route: ONLINE_COUNT }, 1),
        latency(ONLINE_COUNT),
        metric('ErrorResponses', 'Count', { route: ONLINE_COUNT, code: 'UPSTREAM_AUTH_FAILED' }, 1),
        metric('UpstreamCalls', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 2),
        metric('UpstreamRetries', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num' }, 1),
        metric('UpstreamFailures', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num', kind: 'auth' }, 1),
        metric('UpstreamAuthFailures', 'Count', { upstream: 'tencent-im' }, 1),
        metric('UpstreamCalls', 'Count', { upstream: 'aws-secrets-manager', api: 'GetSecretValue' }, 1),
      ]),
    );
  });

  test('Secrets Manager failing: counted under its own upstream, after its retry', async () => {
    await pastRefreshCooldown();
    await emulator.addFault({ target: 'secrets', api: '*', httpStatus: 500 });
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 70003 });
    const { metrics } = await onlineCountOf(LIVE_GROUP);
    const secrets = metrics.filter((entry) => entry.dimensions.upstream === 'aws-secrets-manager');
    expect(secrets).toEqual(
      sortedMetrics([
        metric('UpstreamCalls', 'Count', { upstream: 'aws-secrets-manager', api: 'GetSecretValue' }, 2),
        metric('UpstreamRetries', 'Count', { upstream: 'aws-secrets-manager', api: 'GetSecretValue' }, 1),
        metric('UpstreamFailures', 'Count', { upstream: 'aws-secrets-manager', api: 'GetSecretValue', kind: 'server' }, 1),
      ]),
    );
  });
});

describe('callback functions', () => {
  const tencentCallback = (options: Parameters<typeof signedTencentCallback>[0] = {}) => invoke(handlers.tencentCallback, signedTencentCallback(options));

  test('accepted, and rejected by reason: bad signature, stale, malformed', async () => {
    const accepted = await tencentCallback();
    expect(accepted.status).toBe(200);
    const registryCalls = accepted.metrics.filter((entry) => entry.dimensions.upstream === 'aws-dynamodb');
    expect(accepted.metrics.filter((entry) => !registryCalls.includes(entry))).toEqual(
      sortedMetrics([
        metric('Requests', 'Count', { route: TENCENT_CALLBACK }, 1),
        latency(TENCENT_CALLBACK),
        metric('CallbacksAccepted', 'Count', { provider: 'tencent-im' }, 1),
      ]),
    );
    // The registry's writes (remember the event, track the group), each counted under its DynamoDB API.
    expect(registryCalls.map((entry) => entry.name)).toContain('UpstreamCalls');

    const rejected = (reason: string) =>
      sortedMetrics([
        metric('Requests', 'Count', { route: TENCENT_CALLBACK }, 1),
        latency(TENCENT_CALLBACK),
        metric('ErrorResponses', 'Count', { route: TENCENT_CALLBACK, code: reason === 'malformed' ? 'INVALID_ARGUMENT' : 'UNAUTHENTICATED' }, 1),
        metric('CallbacksRejected', 'Count', { provider: 'tencent-im', reason }, 1),
      ]);
    const withoutSecretReads = (metrics: EmfMetric[]) => metrics.filter((entry) => entry.dimensions.upstream !== 'aws-secrets-manager');
    const badSignature = await tencentCallback({ sign: sha256('not the token') });
    expect({ status: badSignature.status, metrics: withoutSecretReads(badSignature.metrics) }).toEqual({ status: 401, metrics: rejected('bad-signature') });
    const stale = await tencentCallback({ requestTime: Math.floor(Date.now() / 1000) - 3600 });
    expect({ status: stale.status, metrics: stale.metrics }).toEqual({ status: 401, metrics: rejected('stale') });
    const malformed = await tencentCallback({ body: '[]' });
    expect({ status: malformed.status, metrics: malformed.metrics }).toEqual({ status: 400, metrics: rejected('malformed') });
  });
});

describe('snapshot function', () => {
  test('a run with a gap: targets by source, samples, gaps by reason, pushes, duration, lag, and the upstream calls it made', async () => {
    await emulator.reset();
    await emulator.putGroup(LIVE_GROUP, { type: 'AVChatRoom', onlineCount: 7 });
    await emulator.putGroup(CALLBACK_GROUP, { type: 'Public', onlineCount: 3 });
    await emulator.putRoom(APP, ROOM, { visibleUsers: ['a'], invisibleUsers: [] });
    await capturingStdout(() => handlers.tencentCallback(signedTencentCallback(), lambdaContext('tracked-by-callback')));
    await atNextWindow(2);
    const { result: summary, stdout } = await capturingStdout(() => handlers.snapshot({}, lambdaContext('snapshot', 60_000)));
    const metrics = emfMetrics(stdout);
    expectNoTargetIn(metrics);
    // Per tick: the live group and the room sampled, the configured group gone, the callback's group not live-stream.
    expect(summary).toMatchObject({ samplesWritten: 4, gapsByReason: { 'group-not-found': 2, 'unsupported-group-type': 2 } });

    const snapshotMetrics = metrics.filter((entry) => entry.name.startsWith('Snapshot'));
    expect(sortedMetrics(snapshotMetrics)).toEqual(
      sortedMetrics([
        metric('SnapshotRuns', 'Count', {}, 1),
        metric('SnapshotTargets', 'Count', { source: 'discovery' }, 1),
        metric('SnapshotTargets', 'Count', { source: 'config' }, 2),
        metric('SnapshotTargets', 'Count', { source: 'api' }, 0),
        metric('SnapshotTargets', 'Count', { source: 'callback' }, 1),
        metric('SnapshotSamples', 'Count', {}, 4),
        metric('SnapshotGaps', 'Count', {}, 4),
        metric('SnapshotGapsByReason', 'Count', { reason: 'group-not-found' }, 2),
        metric('SnapshotGapsByReason', 'Count', { reason: 'unsupported-group-type' }, 2),
        metric('SnapshotPushes', 'Count', { provider: 'tencent-im' }, 0),
        metric('SnapshotPushes', 'Count', { provider: 'volcengine-rtc' }, 0),
        metric('SnapshotPushFailures', 'Count', { provider: 'tencent-im' }, 0),
        metric('SnapshotPushFailures', 'Count', { provider: 'volcengine-rtc' }, 0),
        metric('SnapshotRunDuration', 'Milliseconds', {}, summary.durationMs),
        metric('SnapshotTickLag', 'Milliseconds', {}, Math.max(summary.groups.worstTickLagMs, summary.rooms.worstTickLagMs)),
      ]),
    );
    expect(summary.groups.worstTickLagMs).toBeGreaterThanOrEqual(0);

    // npm start's line for the run, read from the same EMF lines.
    const summaries = new SnapshotRunSummaries();
    const printed = stdout.split('\n').flatMap((line) => summaries.read(line) ?? []);
    const lag = Math.max(summary.groups.worstTickLagMs, summary.rooms.worstTickLagMs);
    expect(printed).toEqual([expect.stringMatching(/^snapshot run \d\d:\d\d:\d\d–\d\d:\d\d:\d\d: 4 targets \(discovery 1, config 2, callback 1\) · /)]);
    expect(printed[0]).toContain(
      ` · 4 samples · 4 gaps (group-not-found 2, unsupported-group-type 2) · 0 pushes · ${summary.durationMs.toLocaleString('en-US')} ms · lag ${lag.toLocaleString('en-US')} ms`,
    );

    const calls = (upstream: string) =>
      Object.fromEntries(
        metrics.filter((entry) => entry.name === 'UpstreamCalls' && entry.dimensions.upstream === upstream).map((entry) => [entry.dimensions.api, entry.value]),
      );
    expect(calls('tencent-im')).toEqual({ get_appid_group_list: 1, get_online_member_num: 6 });
    expect(calls('volcengine-rtc')).toEqual({ GetRoomOnlineUsers: 2 });
    expect(Object.keys(calls('aws-dynamodb'))).toEqual(expect.arrayContaining(['BatchWriteItem', 'Query']));
    expect(sortedMetrics(metrics.filter((entry) => entry.name === 'UpstreamFailures'))).toEqual(
      sortedMetrics([
        metric('UpstreamFailures', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num', kind: 'group-not-found' }, 2),
        metric('UpstreamFailures', 'Count', { upstream: 'tencent-im', api: 'get_online_member_num', kind: 'unsupported-group-type' }, 2),
      ]),
    );
    // The sampling gate holds each call for its slot: waits and their time, per API.
    for (const entry of metrics.filter((candidate) => candidate.name.startsWith('RateLimitWait'))) {
      expect(['get_online_member_num', 'GetRoomOnlineUsers', 'get_appid_group_list']).toContain(entry.dimensions.api);
    }
  });
});
