import { createHash } from 'node:crypto';
import type { BroadcastSettings } from '#lib/config/snapshots.ts';
import { runSnapshot } from '#lib/snapshots/run.ts';
import { type Target, targetKey } from '#lib/snapshots/targets.ts';
import { type Background, startEmulatorProcess } from '#support/background-processes.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { freePort } from '#support/ports.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { emulator } from '#test/support/http.ts';
import { localStore, NO_BROADCAST, runDependencies, snapshotProviders, useLocalAws } from '#test/support/snapshots.ts';

// The count pushed to each room's audience after each sample, through the emulator's
// send_group_msg and SendBroadcast (their message logs), in a 3 s "minute" of 1 s ticks.

const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(() => {
  useLocalAws();
});

afterEach(async () => {
  await emulator.clearFaults();
});

const broadcasting = (change: Partial<BroadcastSettings>): BroadcastSettings => ({ ...NO_BROADCAST, ...change });

/** A run of the given groups and rooms (configured, discovery off) with pushes set as given. */
const run = async (broadcast: BroadcastSettings, targets: { groups?: Target[]; rooms?: Target[] }, reuse?: Awaited<ReturnType<typeof runDependencies>>) => {
  const dependencies =
    reuse ??
    (await runDependencies(snapshotProviders(100, 20, 1, broadcast), {
      settings: { discovery: false, groups: targets.groups ?? [], rooms: targets.rooms ?? [], broadcast },
    }));
  const windowStart = await atNextWindow(3);
  return { summary: await runSnapshot(dependencies, { index: 0, count: 1 }), windowStart, dependencies };
};

const dataOf = (message: { body: Record<string, unknown> }) =>
  JSON.parse(((message.body.MsgBody as Array<{ MsgContent: { Data: string } }>)[0] as { MsgContent: { Data: string } }).MsgContent.Data);

describe('audience sync: Tencent live groups', () => {
  test('changed: one message per change and a heartbeat when flat, with the exact payload and message options', async () => {
    await emulator.reset();
    const groupId = '@TGS#aSYNCCHANGED';
    const group: Target = { kind: 'group', groupId };
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 5 });
    const broadcast = broadcasting({ tencentMode: 'changed', heartbeatMs: 2000 });
    const first = await run(broadcast, { groups: [group] });
    // Tick 0 pushes (nothing pushed before), tick 1 is unchanged, tick 2 is the heartbeat (2 s on).
    expect(first.summary.pushes.tencent).toEqual({ sent: 2, unchanged: 1, failed: {} });
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 8 });
    const second = await run(broadcast, { groups: [group] }, first.dependencies);
    expect(second.summary.pushes.tencent).toEqual({ sent: 2, unchanged: 1, failed: {} });

    const { messages } = await emulator.groupMessages(groupId);
    expect(messages.map(dataOf)).toEqual([
      { type: 'livegate.online-count', groupId, onlineCount: 5, at: iso(first.windowStart) },
      { type: 'livegate.online-count', groupId, onlineCount: 5, at: iso(first.windowStart + 2000) },
      { type: 'livegate.online-count', groupId, onlineCount: 8, at: iso(second.windowStart) },
      { type: 'livegate.online-count', groupId, onlineCount: 8, at: iso(second.windowStart + 2000) },
    ]);
    // The payload is compact JSON, in the documented key order.
    const [firstMessage] = messages as unknown as Array<{ body: { MsgBody: Array<{ MsgContent: { Data: string } }> } }>;
    expect(firstMessage?.body.MsgBody[0]?.MsgContent.Data).toBe(
      `{"type":"livegate.online-count","groupId":"${groupId}","onlineCount":5,"at":"${iso(first.windowStart)}"}`,
    );
    expect(messages[0]?.body).toMatchObject({
      GroupId: groupId,
      MsgPriority: 'Lowest',
      OfflinePushInfo: { PushFlag: 1 },
      SendMsgControl: ['NoUnread', 'NoLastMsg'],
      MsgBody: [{ MsgType: 'TIMCustomElem' }],
    });
    // Random comes from the target and the tick (computed here independently).
    const random = createHash('sha256')
      .update(`${targetKey(group)}#${first.windowStart}`)
      .digest()
      .readUInt32BE(0);
    expect(messages[0]?.random).toBe(random);
    // The stored samples say which ones were pushed.
    const records = (await localStore().queryRange(targetKey(group), first.windowStart, second.windowStart + 2999, {})).records;
    expect(records.map((record) => record.pushed === true)).toEqual([true, false, true, true, false, true]);
  });

  test('off sends nothing and counts nothing', async () => {
    await emulator.reset();
    await emulator.putGroup('@TGS#aSYNCOFF', { type: 'AVChatRoom', onlineCount: 5 });
    const { summary } = await run(NO_BROADCAST, { groups: [{ kind: 'group', groupId: '@TGS#aSYNCOFF' }] });
    expect(summary.samplesWritten).toBe(3);
    expect(summary.pushes.tencent).toEqual({ sent: 0, unchanged: 0, failed: {} });
    expect((await emulator.groupMessages('@TGS#aSYNCOFF')).messages).toEqual([]);
    expect((await emulator.stats()).apis.send_group_msg).toBeUndefined();
  });

  test('two runs of the same minute (a retry, an overlap) deliver each tick once: Tencent drops the repeated Random', async () => {
    await emulator.reset();
    const groupId = '@TGS#aSYNCTWICE';
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 5 });
    const broadcast = broadcasting({ tencentMode: 'always' });
    const group: Target = { kind: 'group', groupId };
    const [a, b] = await Promise.all(
      [1, 2].map(() => runDependencies(snapshotProviders(100, 20, 1, broadcast), { settings: { discovery: false, groups: [group], broadcast } })),
    );
    await atNextWindow(3);
    const summaries = await Promise.all([a, b].map((dependencies) => runSnapshot(dependencies as never, { index: 0, count: 1 })));
    expect(summaries.map((summary) => summary.pushes.tencent.sent)).toEqual([3, 3]);
    expect((await emulator.stats()).apis.send_group_msg?.calls).toBe(6);
    expect((await emulator.groupMessages(groupId)).messages).toHaveLength(3);
  });

  test('the last count pushed outlives the container: a fresh one reads it from the table and pushes nothing unchanged', async () => {
    await emulator.reset();
    const groupId = '@TGS#aSYNCCOLD';
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 5 });
    const broadcast = broadcasting({ tencentMode: 'changed', heartbeatMs: 60_000 });
    const group: Target = { kind: 'group', groupId };
    const warm = await run(broadcast, { groups: [group] });
    expect(warm.summary.pushes.tencent).toEqual({ sent: 1, unchanged: 2, failed: {} });
    // A new container: new clients, no memory of what was pushed.
    const cold = await run(broadcast, { groups: [group] });
    expect(cold.summary.pushes.tencent).toEqual({ sent: 0, unchanged: 3, failed: {} });
    expect((await emulator.groupMessages(groupId)).messages).toHaveLength(1);
  });

  test.each([
    ['HTTP 502', { httpStatus: 502 }, 'upstream-error'],
    ['system error 10002', { errorCode: 10002 }, 'upstream-error'],
    ['frequency limit 60007', { errorCode: 60007 }, 'upstream-rate-limited'],
  ])('a push failing with %s leaves every sample stored and is counted', async (_name, fault, reason) => {
    await emulator.reset();
    const groupId = '@TGS#aSYNCFAULT';
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 5 });
    await emulator.addFault({ target: 'tencent', api: 'send_group_msg', ...fault });
    const group: Target = { kind: 'group', groupId };
    const { summary, windowStart } = await run(broadcasting({ tencentMode: 'always' }), { groups: [group] });
    expect(summary.samplesWritten).toBe(3);
    expect(summary.gapsByReason).toEqual({});
    expect(summary.pushes.tencent).toEqual({ sent: 0, unchanged: 0, failed: { [reason]: 3 } });
    const records = (await localStore().queryRange(targetKey(group), windowStart, windowStart + 2999, {})).records;
    expect(records.map((record) => [record.values, record.pushed ?? false])).toEqual([
      [{ onlineCount: 5 }, false],
      [{ onlineCount: 5 }, false],
      [{ onlineCount: 5 }, false],
    ]);
  });
});

describe('audience sync: Volcengine RTC rooms', () => {
  test('changed: SendBroadcast from the configured server ID with the exact payload; a room that does not exist gets none', async () => {
    await emulator.reset();
    await emulator.putRoom(APP, 'sync-room', { visibleUsers: ['a', 'b'], invisibleUsers: ['c'] });
    const room: Target = { kind: 'room', appId: APP, roomId: 'sync-room' };
    const missing: Target = { kind: 'room', appId: APP, roomId: 'sync-room-missing' };
    const { summary, windowStart } = await run(broadcasting({ volcMode: 'changed', heartbeatMs: 60_000, volcFrom: 'livegate-server' }), {
      rooms: [room, missing],
    });
    expect(summary.pushes.volc).toEqual({ sent: 1, unchanged: 2, failed: {} });
    const { messages } = await emulator.roomMessages(APP, 'sync-room');
    expect(messages.map((message) => message.body)).toEqual([
      {
        AppId: APP,
        RoomId: 'sync-room',
        From: 'livegate-server',
        Binary: false,
        Message: `{"type":"livegate.online-users","roomId":"sync-room","appId":"${APP}","totalUsers":3,"totalInvisibleUsers":1,"at":"${iso(windowStart)}"}`,
      },
    ]);
    expect((await emulator.roomMessages(APP, 'sync-room-missing')).messages).toEqual([]);
  });

  test('a SendBroadcast error leaves the samples stored and is counted', async () => {
    await emulator.reset();
    await emulator.putRoom(APP, 'sync-room-fault', { visibleUsers: ['a'] });
    await emulator.addFault({ target: 'volc', api: 'SendBroadcast', httpStatus: 500 });
    const { summary } = await run(broadcasting({ volcMode: 'always' }), { rooms: [{ kind: 'room', appId: APP, roomId: 'sync-room-fault' }] });
    expect(summary.samplesWritten).toBe(3);
    expect(summary.pushes.volc).toEqual({ sent: 0, unchanged: 0, failed: { 'upstream-error': 3 } });
  });
});

describe('audience sync: rates', () => {
  // The upstreams in a process of their own: in this one, the emulator would count calls when the
  // shared event loop gets to them, bunching the arrivals of any pause into one second.
  let upstream: Background;
  beforeAll(async () => {
    upstream = await startEmulatorProcess(await freePort());
  });
  afterAll(() => {
    upstream.stop();
  });

  test('2,000 groups at 10 s with always: both get_online_member_num and send_group_msg stay at or under their ceilings', async () => {
    const remote = emulatorClient(upstream.url);
    await remote.createGroups({ prefix: 'SYNCRATE', count: 2000, type: 'AVChatRoom', onlineCount: 3 });
    const broadcast = broadcasting({ tencentMode: 'always', tencentRatePerSecond: 200 });
    const dependencies = await runDependencies(snapshotProviders(200, 20, 1, broadcast, upstream.url), {
      settings: { discovery: true, windowSeconds: 10, intervalSeconds: 10, tencentRatePerSecond: 200, maxInFlight: 256, broadcast },
    });
    await atNextWindow(10);
    const summary = await runSnapshot(dependencies, { index: 0, count: 1 });
    expect(summary.groups).toMatchObject({ intervalSeconds: 10, overCapacityTargets: 0 });
    // On a busy machine some calls may time out (gaps, failed pushes); what this test holds to is
    // that every tick is accounted for and that no call was ever refused for going too fast.
    const gaps = Object.values(summary.gapsByReason).reduce((sum, count) => sum + count, 0);
    expect(summary.samplesWritten + gaps).toBe(2000);
    expect(summary.samplesWritten).toBeGreaterThan(1000);
    const failedPushes = Object.values(summary.pushes.tencent.failed).reduce((sum, count) => sum + count, 0);
    expect(summary.pushes.tencent.sent + failedPushes).toBe(summary.samplesWritten);
    expect(summary.gapsByReason['upstream-rate-limited'] ?? 0).toBe(0);
    expect(summary.pushes.tencent.failed['upstream-rate-limited'] ?? 0).toBe(0);
    const { apis } = await remote.stats();
    for (const api of ['get_online_member_num', 'send_group_msg']) {
      expect({ api, peak: (apis[api]?.peakPerSecond ?? 0) <= 200, rejected: apis[api]?.rejected }).toEqual({ api, peak: true, rejected: {} });
    }
  }, 60_000);
});
