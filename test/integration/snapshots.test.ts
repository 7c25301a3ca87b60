import { Deadline } from '#lib/deadline.ts';
import { sleep } from '#lib/sleep.ts';
import { discoverLiveGroups } from '#lib/snapshots/discovery.ts';
import { LEVEL_MS, ROLLUP_LEVELS, readAllRollups } from '#lib/snapshots/rollups.ts';
import { runSnapshot, type SnapshotDependencies } from '#lib/snapshots/run.ts';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { inShard, type Target, targetKey } from '#lib/snapshots/targets.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { emulator } from '#test/support/http.ts';
import { localStore, runDependencies, snapshotProviders, useLocalAws } from '#test/support/snapshots.ts';

// The snapshot run against the emulator and dynalite, with a short window (3 s of 1 s ticks)
// so that a "minute" takes seconds.

const APP = DEMO_CREDENTIALS.volc.rtcAppId;

const recordsOf = async (target: Target, from: number, to: number): Promise<SnapshotRecord[]> =>
  (await localStore().queryRange(targetKey(target), from, to, {})).records;

beforeAll(() => {
  useLocalAws();
});

afterAll(async () => {
  await emulator.clearFaults();
});

describe('snapshot run', () => {
  test('samples every target on every tick: discovered and configured groups, and rooms', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPA', count: 4, type: 'AVChatRoom' });
    await emulator.putGroup('@TGS#aSNAPFIXED', { type: 'AVChatRoom', onlineCount: 321 });
    await emulator.putGroup('@TGS#2SNAPPUBLIC', { type: 'Public' });
    await emulator.putRoom(APP, 'snap-room', { visibleUsers: ['a', 'b'], invisibleUsers: ['c'] });
    const providers = snapshotProviders(100, 20);
    const rooms: Target[] = [{ kind: 'room', appId: APP, roomId: 'snap-room' }];
    const windowStart = await atNextWindow(3);
    const summary = await runSnapshot(await runDependencies(providers, { settings: { rooms, groups: [{ kind: 'group', groupId: '@TGS#aSNAPFIXED' }] } }), {
      index: 0,
      count: 1,
    });

    expect(summary.discovery).toMatchObject({ enabled: true, ok: true, groups: 5, pages: 1 });
    expect(summary.targets).toEqual({ groups: 5, rooms: 1 });
    expect(summary.samplesWritten).toBe(18);
    expect(summary.gapsWritten).toBe(0);
    expect(summary.groups).toMatchObject({ intervalSeconds: 1, lengthened: false, ticks: 3 });
    expect(summary.upstreamCalls.tencent).toBe(1 + 15);
    const ticks = [windowStart, windowStart + 1000, windowStart + 2000];
    const fixed = await recordsOf({ kind: 'group', groupId: '@TGS#aSNAPFIXED' }, windowStart, windowStart + 2999);
    expect(fixed).toEqual(ticks.map((at) => ({ key: 'G#@TGS#aSNAPFIXED', at, values: { onlineCount: 321 } })));
    const room = await recordsOf(rooms[0] as Target, windowStart, windowStart + 2999);
    expect(room.map((record) => record.values)).toEqual(ticks.map(() => ({ totalUsers: 3, totalInvisibleUsers: 1 })));
    // The Public group is not a live-stream group: discovery does not list it.
    expect(await recordsOf({ kind: 'group', groupId: '@TGS#2SNAPPUBLIC' }, windowStart, windowStart + 2999)).toEqual([]);
  });

  test('two overlapping runs of the same window, or a late retry, store each tick once, never hide a sample behind a gap, and count each tick once in the rollups', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPB', count: 3, type: 'AVChatRoom', onlineCount: 7 });
    const providers = snapshotProviders(100, 20);
    const dependencies = await Promise.all([1, 2, 3].map(() => runDependencies(providers, { settings: {} })));
    const windowStart = await atNextWindow(3);
    let runs = 0;
    const run = () => runSnapshot(dependencies[runs++] as SnapshotDependencies, { index: 0, count: 1 });
    const lateRetry = async () => {
      await sleep(1500);
      return run();
    };
    const [first, , late] = await Promise.all([run(), run(), lateRetry()]);
    expect(first.samplesWritten).toBe(9);
    expect(late.gapsByReason).toEqual({ missed: 3 }); // its first tick had passed...
    expect(late.gapsWritten).toBe(0); // ...but the samples of the other runs stay
    // Each run recomputed the minute, hour and day of every target it wrote into, side by side (3 items each, at least).
    for (const summary of [first, late]) expect(summary.rollups).toMatchObject({ minutes: 3, hours: 3, days: 3, failedTargets: 0 });
    for (const summary of [first, late]) expect(summary.rollups.writes).toBeGreaterThanOrEqual(9);
    const store = localStore();
    for (let index = 0; index < 3; index += 1) {
      const target: Target = { kind: 'group', groupId: `@TGS#aSNAPB${index}` };
      const records = await recordsOf(target, windowStart, windowStart + 2999);
      expect(records.map((record) => [record.at - windowStart, record.values])).toEqual([
        [0, { onlineCount: 7 }],
        [1000, { onlineCount: 7 }],
        [2000, { onlineCount: 7 }],
      ]);
      // Three runs wrote these ticks; each is counted once, at every level.
      const once = { samples: 3, gaps: 0, sum: 21, min: 7, max: 7, maxAt: windowStart, last: 7 };
      for (const level of ROLLUP_LEVELS) {
        const rollups = await readAllRollups(store, level, targetKey(target), 0, Number.MAX_SAFE_INTEGER);
        expect({
          level,
          rollups: rollups.map(({ at, samples, gaps, sum, min, max, maxAt, last }) => ({ at, samples, gaps, sum, min, max, maxAt, last })),
        }).toEqual({
          level,
          rollups: [{ at: Math.floor(windowStart / LEVEL_MS[level]) * LEVEL_MS[level], ...once }],
        });
      }
    }
  });

  test('failures become gaps with their reason, one failing target or provider never stops the others, and no tick is lost', async () => {
    await emulator.reset();
    await emulator.putGroup('@TGS#aSNAPOK', { type: 'AVChatRoom', onlineCount: 5 });
    await emulator.putGroup('@TGS#2SNAPNOTLIVE', { type: 'Public' });
    await emulator.putRoom(APP, 'snap-room-2', { visibleUsers: ['v'], invisibleUsers: [] });
    const groups: Target[] = [
      { kind: 'group', groupId: '@TGS#aSNAPOK' },
      { kind: 'group', groupId: '@TGS#aSNAPGONE' },
      { kind: 'group', groupId: '@TGS#2SNAPNOTLIVE' },
    ];
    const room: Target = { kind: 'room', appId: APP, roomId: 'snap-room-2' };
    const providers = snapshotProviders(100, 20);
    // Volcengine is down for the whole run: every room tick is a gap, the groups carry on.
    await emulator.addFault({ target: 'volc', api: 'GetRoomOnlineUsers', httpStatus: 503 });
    const windowStart = await atNextWindow(3);
    const summary = await runSnapshot(await runDependencies(providers, { settings: { discovery: false, groups, rooms: [room] } }), { index: 0, count: 1 });
    await emulator.clearFaults();

    expect(summary.gapsByReason).toEqual({ 'group-not-found': 3, 'unsupported-group-type': 3, 'upstream-error': 3 });
    const reasons = async (target: Target) => (await recordsOf(target, windowStart, windowStart + 2999)).map((record) => record.gap ?? record.values);
    expect(await reasons(groups[0] as Target)).toEqual([{ onlineCount: 5 }, { onlineCount: 5 }, { onlineCount: 5 }]);
    expect(await reasons(groups[1] as Target)).toEqual(['group-not-found', 'group-not-found', 'group-not-found']);
    expect(await reasons(groups[2] as Target)).toEqual(['unsupported-group-type', 'unsupported-group-type', 'unsupported-group-type']);
    expect(await reasons(room)).toEqual(['upstream-error', 'upstream-error', 'upstream-error']);
  });

  test('an upstream slower than the tick becomes an upstream-timeout gap for that tick only', async () => {
    await emulator.reset();
    await emulator.putGroup('@TGS#aSNAPSLOW', { type: 'AVChatRoom', onlineCount: 9 });
    const target: Target = { kind: 'group', groupId: '@TGS#aSNAPSLOW' };
    const providers = snapshotProviders(100, 20);
    await providers.tencent?.client.warm();
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', latencyMs: 1500, times: 2 });
    const windowStart = await atNextWindow(3);
    await runSnapshot(await runDependencies(providers, { settings: { discovery: false, groups: [target] } }), { index: 0, count: 1 });
    const records = await recordsOf(target, windowStart, windowStart + 2999);
    expect(records.map((record) => record.gap ?? record.values)).toEqual(['upstream-timeout', { onlineCount: 9 }, { onlineCount: 9 }]);
  });

  test('keeps under the rate budget (emulator stats), lengthening the interval when targets do not fit', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPR', count: 120, type: 'AVChatRoom' });
    const providers = snapshotProviders(50, 20);
    const windowStart = await atNextWindow(6);
    const summary = await runSnapshot(await runDependencies(providers, { settings: { windowSeconds: 6, intervalSeconds: 2 } }), { index: 0, count: 1 });
    // 120 targets at 50/s do not fit 2 s (100 calls): the shortest interval that tiles 6 s and fits is 3 s.
    expect(summary.groups).toEqual({ intervalSeconds: 3, lengthened: true, ticks: 2, overCapacityTargets: 0, worstTickLagMs: expect.any(Number) });
    expect(summary.gapsByReason).toEqual({});
    expect(summary.samplesWritten).toBe(240);
    const stats = await emulator.stats();
    expect(stats.apis.get_online_member_num?.peakPerSecond).toBeLessThanOrEqual(50);
    expect(stats.apis.get_online_member_num?.rejected).toEqual({});
    const records = await recordsOf({ kind: 'group', groupId: '@TGS#aSNAPR119' }, windowStart, windowStart + 5999);
    expect(records.map((record) => record.at - windowStart)).toEqual([0, 3000]);
  });

  test('targets that do not fit even once a window are stored as over-capacity gaps', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPC', count: 30, type: 'AVChatRoom' });
    const providers = snapshotProviders(4, 20);
    await atNextWindow(3);
    const summary = await runSnapshot(await runDependencies(providers, { settings: {} }), { index: 0, count: 1 });
    expect(summary.groups).toEqual({ intervalSeconds: 3, lengthened: true, ticks: 1, overCapacityTargets: 18, worstTickLagMs: expect.any(Number) });
    expect(summary.samplesWritten).toBe(12);
    expect(summary.gapsByReason).toEqual({ 'over-capacity': 18 });
  });

  test('shards split the targets between them, each sampled by exactly one shard', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPS', count: 40, type: 'AVChatRoom', onlineCount: 1 });
    // Each shard is its own invocation with its own providers, at a third of the rate.
    const dependencies = await Promise.all([0, 1, 2].map(() => runDependencies(snapshotProviders(100, 20, 3), { settings: { intervalSeconds: 3 } })));
    await atNextWindow(3);
    const shards = await Promise.all(dependencies.map((deps, index) => runSnapshot(deps, { index, count: 3 })));
    const counts = shards.map((summary) => summary.targets.groups);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(shards.reduce((sum, summary) => sum + summary.samplesWritten, 0)).toBe(40);
    const target: Target = { kind: 'group', groupId: '@TGS#aSNAPS7' };
    expect([0, 1, 2].filter((index) => inShard(target, { index, count: 3 }))).toHaveLength(1);
  });
});

describe('tracked targets gone upstream', () => {
  test('a tracked room that does not exist for 3 ticks in a row, and a tracked group Tencent no longer knows, stop being tracked; configured ones keep their gaps', async () => {
    await emulator.reset();
    const goneRoom: Target = { kind: 'room', appId: APP, roomId: 'gone-room' };
    const configuredRoom: Target = { kind: 'room', appId: APP, roomId: 'configured-gone-room' };
    const goneGroup: Target = { kind: 'group', groupId: '@TGS#aGONEGROUP' };
    const liveRoom: Target = { kind: 'room', appId: APP, roomId: 'live-room' };
    await emulator.putRoom(APP, 'live-room', { visibleUsers: ['a'] });
    const dependencies = await runDependencies(snapshotProviders(100, 20), { settings: { discovery: false, rooms: [configuredRoom] }, dropAfterTicks: 3 });
    const now = Date.now();
    await dependencies.registry.addSource(goneRoom, 'api', null, now);
    await dependencies.registry.addSource(goneRoom, 'callback', now + 3_600_000, now);
    await dependencies.registry.addSource(goneGroup, 'callback', now + 3_600_000, now);
    await dependencies.registry.addSource(liveRoom, 'api', null, now);
    await atNextWindow(3);
    const summary = await runSnapshot(dependencies, { index: 0, count: 1 });
    expect(summary.targets).toEqual({ groups: 1, rooms: 3 });
    expect(summary.targetsBySource).toEqual({ discovery: 0, config: 1, api: 2, callback: 2 });
    expect(summary.registry.droppedGone).toEqual({ groups: 1, rooms: 1 });
    const left = async (kind: 'group' | 'room') =>
      (await dependencies.registry.page(kind, {})).items.map((item) => [item.target, Object.keys(item.sources).sort()]);
    expect(await left('group')).toEqual([]);
    expect(await left('room')).toEqual([
      [configuredRoom, ['config']],
      [liveRoom, ['api']],
    ]);
    // The configured room is sampled on: a room that does not exist has nobody in it.
    expect((await recordsOf(configuredRoom, Date.now() - 10_000, Date.now())).length).toBeGreaterThanOrEqual(3);

    // The next run samples only what is still tracked.
    await atNextWindow(3);
    const next = await runSnapshot(dependencies, { index: 0, count: 1 });
    expect(next.targets).toEqual({ groups: 0, rooms: 2 });
  });
});

describe('group discovery', () => {
  test('when discovery fails, the groups the last discovery put in the registry are sampled, and the summary says so', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'SNAPD', count: 3, type: 'AVChatRoom', onlineCount: 4 });
    const dependencies = await runDependencies(snapshotProviders(100, 20), { settings: { windowSeconds: 1, intervalSeconds: 1 } });
    await atNextWindow(1);
    const first = await runSnapshot(dependencies, { index: 0, count: 1 });
    expect(first.discovery).toMatchObject({ ok: true, groups: 3 });

    await emulator.addFault({ target: 'tencent', api: 'get_appid_group_list', httpStatus: 502 });
    await atNextWindow(1);
    const second = await runSnapshot(dependencies, { index: 0, count: 1 });
    expect(second.discovery).toMatchObject({ enabled: true, ok: false, error: 'upstream-error', groups: 0 });
    expect(second.targets.groups).toBe(3);
    expect(second.samplesWritten).toBe(3);

    // The fallback is the registry, not the container: fresh providers (a cold container) find the same groups.
    await atNextWindow(1);
    const cold = await runSnapshot({ ...dependencies, providers: snapshotProviders(100, 20) }, { index: 0, count: 1 });
    expect(cold.targets.groups).toBe(3);
    // A registry that never saw a discovery has nothing to fall back on.
    const empty = await runDependencies(snapshotProviders(100, 20), { settings: { windowSeconds: 1, intervalSeconds: 1 } });
    await atNextWindow(1);
    expect((await runSnapshot(empty, { index: 0, count: 1 })).targets.groups).toBe(0);
    await emulator.clearFaults();
  });

  test('follows Next across pages and lists live-stream groups only', async () => {
    await emulator.reset();
    await emulator.createGroups({ prefix: 'DISC', count: 23_456, type: 'AVChatRoom', onlineCount: 1 });
    await emulator.createGroups({ prefix: 'DISCPUB', count: 50, type: 'Public' });
    const tencent = snapshotProviders(100, 20).tencent?.client;
    if (!tencent) throw new Error('the suite configures Tencent');
    const found = await discoverLiveGroups(tencent, Deadline.after(20_000));
    expect(found.pages).toBe(3);
    expect(found.groups).toHaveLength(23_456);
    expect(new Set(found.groups.map((target) => targetKey(target))).size).toBe(23_456);
    await emulator.reset();
  });
});
