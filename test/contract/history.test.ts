import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type ApiAnswer, callApi, expectContractError, groupPath, upstreamCalls } from '#test/support/http.ts';
import { localStore, storeTicks, useLocalAws } from '#test/support/snapshots.ts';

// History endpoints over data written straight into the table (ticks, then their rollups, as a run
// writes them), so every expected value is known.

const GROUP = '@TGS#aHISTORYLIVE';
const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const ROOM = 'history-room';
const base = Date.UTC(2026, 10, 21, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const tick = (n: number) => base + n * 10_000;

// 12 ticks of known counts (sum 6800 over 11 samples), tick 5 a gap, the peak at tick 11, the minimum at tick 3.
const groupCounts = [500, 300, 700, 100, 900, null, 1100, 800, 600, 400, 200, 1200];

beforeAll(async () => {
  useLocalAws();
  const store = localStore();
  const groupKey = targetKey({ kind: 'group', groupId: GROUP });
  const records: SnapshotRecord[] = groupCounts.map((count, n) =>
    count === null ? { key: groupKey, at: tick(n), gap: 'upstream-timeout' } : { key: groupKey, at: tick(n), values: { onlineCount: count } },
  );
  await storeTicks(store, records);
  const roomKey = targetKey({ kind: 'room', appId: APP, roomId: ROOM });
  await storeTicks(
    store,
    [0, 1, 2].map((n) => ({ key: roomKey, at: tick(n), values: { totalUsers: 10 + n, totalInvisibleUsers: n } })),
  );
  // Something outside every range asked for below, and another group, must never show up.
  await storeTicks(store, [
    { key: groupKey, at: tick(-100), values: { onlineCount: 99_999 } },
    { key: groupKey, at: tick(8640), values: { onlineCount: 88_888 } },
    { key: targetKey({ kind: 'group', groupId: '@TGS#aHISTORYOTHER' }), at: tick(1), values: { onlineCount: 55_555 } },
  ]);
});

const STATS = { samples: 11, gaps: 1, peak: 1200, peakAt: iso(tick(11)), min: 100, avg: 618.18 };
// The two minutes of the 12 ticks: ticks 0-5 (tick 5 a gap) and ticks 6-11.
const MINUTE_0 = { at: iso(tick(0)), samples: 5, gaps: 1, min: 100, max: 900, avg: 500, last: 900 };
const MINUTE_1 = { at: iso(tick(6)), samples: 6, gaps: 0, min: 200, max: 1200, avg: 716.67, last: 1200 };

const historyPath = (query: string) => `${groupPath(GROUP, 'online-count/history')}?${query}`;
const range = `from=${iso(tick(0))}&to=${iso(tick(11))}`;

describe('GET /v1/groups/{groupId}/online-count/history', () => {
  test('answers the points of the range, oldest first, with gaps shown, and stats over the range', async () => {
    const answer = await callApi(historyPath(range));
    expect(answer.status).toBe(200);
    expect(answer.body.groupId).toBe(GROUP);
    expect(answer.body.from).toBe(iso(tick(0)));
    expect(answer.body.to).toBe(iso(tick(11)));
    expect(answer.body.points).toHaveLength(12);
    expect(answer.body.points[0]).toEqual({ at: iso(tick(0)), onlineCount: 500 });
    expect(answer.body.points[5]).toEqual({ at: iso(tick(5)), onlineCount: null, gap: 'upstream-timeout' });
    expect(answer.body.stats).toEqual(STATS);
    expect(answer.body.step).toBe('raw');
    expect(answer.body.nextCursor).toBeNull();
  });

  test('pages with nextCursor; stats always cover the whole range', async () => {
    const seen: Array<{ at: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: ApiAnswer = await callApi(historyPath(`${range}&limit=5${cursor ? `&cursor=${cursor}` : ''}`));
      expect(answer.status).toBe(200);
      expect(answer.body.stats).toMatchObject({ samples: 11, gaps: 1, peak: 1200 });
      seen.push(...answer.body.points);
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((point) => point.at)).toEqual(groupCounts.map((_, n) => iso(tick(n))));
  });

  test('a page after the first can leave out from and to: the cursor keeps the range', async () => {
    const first = await callApi(historyPath(`${range}&limit=10`));
    const second = await callApi(historyPath(`cursor=${first.body.nextCursor}`));
    expect(second.status).toBe(200);
    expect(second.body.points.map((point: { at: string }) => point.at)).toEqual([iso(tick(10)), iso(tick(11))]);
    expect(second.body.from).toBe(iso(tick(0)));
    expect(second.body.nextCursor).toBeNull();
  });

  test('stats of a sub-range cover that range only', async () => {
    const answer = await callApi(historyPath(`from=${iso(tick(1))}&to=${iso(tick(3))}`));
    expect(answer.body.points.map((point: { onlineCount: number }) => point.onlineCount)).toEqual([300, 700, 100]);
    expect(answer.body.stats).toEqual({ samples: 3, gaps: 0, peak: 700, peakAt: iso(tick(2)), min: 100, avg: 366.67 });
  });

  test('an empty range answers no points and empty stats', async () => {
    const answer = await callApi(historyPath(`from=${iso(tick(500))}&to=${iso(tick(600))}`));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ points: [], nextCursor: null, stats: { samples: 0, gaps: 0, peak: null, peakAt: null, min: null, avg: null } });
  });

  test('the default range is the last hour', async () => {
    const answer = await callApi(historyPath(''));
    expect(answer.status).toBe(200);
    const span = Date.parse(answer.body.to) - Date.parse(answer.body.from);
    expect(span).toBe(3_600_000);
    expect(Math.abs(Date.parse(answer.body.to) - Date.now())).toBeLessThan(60_000);
  });

  test('time zone offsets are accepted', async () => {
    const answer = await callApi(historyPath(`from=${encodeURIComponent('2026-11-21T18:00:00+08:00')}&to=${encodeURIComponent('2026-11-21T18:00:10+08:00')}`));
    expect(answer.body.points.map((point: { at: string }) => point.at)).toEqual([iso(tick(0)), iso(tick(1))]);
  });

  test.each([
    ['from not a date', 'from=yesterday', 'from'],
    ['from without a time zone', 'from=2026-11-21T10:00:00', 'from'],
    ['a date without a time', 'to=2026-11-21', 'to'],
    ['an impossible date', 'from=2026-02-30T10:00:00Z', 'from'],
    ['from after to', `from=${iso(tick(5))}&to=${iso(tick(1))}`, 'from'],
    ['a range over 31 days', `from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`, 'from'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 10001', 'limit=10001', 'limit'],
    ['limit not a number', 'limit=ten', 'limit'],
    ['a cursor that is not one', 'cursor=not-a-cursor', 'cursor'],
    ['a cursor of base64 junk', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'cursor'],
    ['an unknown step', 'step=1w', 'step'],
    ['a step in other words', 'step=hourly', 'step'],
    ['a step range over the rollup retention', `from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&step=1d`, 'from'],
    ['an auto range over the rollup retention', `from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&step=auto`, 'from'],
    ['step=raw over 31 days', `from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&step=raw`, 'from'],
    ['an unknown parameter', 'page=2', 'page'],
  ])('400 INVALID_ARGUMENT for %s', async (_name, query, field) => {
    const before = await upstreamCalls();
    const error = expectContractError(await callApi(historyPath(query)), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await upstreamCalls()).toBe(before);
  });

  test('400 for a cursor used with another range or another group', async () => {
    const first = await callApi(historyPath(`${range}&limit=2`));
    const cursor = first.body.nextCursor as string;
    expectContractError(await callApi(historyPath(`from=${iso(tick(1))}&to=${iso(tick(11))}&cursor=${cursor}`)), 400, 'INVALID_ARGUMENT');
    expectContractError(await callApi(`${groupPath('@TGS#aHISTORYOTHER', 'online-count/history')}?${range}&cursor=${cursor}`), 400, 'INVALID_ARGUMENT');
  });

  test('400 for a cursor used with another step; a later page may leave the step out', async () => {
    const first = await callApi(historyPath(`${range}&step=1m&limit=1`));
    const cursor = first.body.nextCursor as string;
    const error = expectContractError(await callApi(historyPath(`${range}&step=1h&cursor=${cursor}`)), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((detail: { field: string }) => detail.field)).toEqual(['cursor']);
    expectContractError(await callApi(historyPath(`${range}&step=raw&cursor=${cursor}`)), 400, 'INVALID_ARGUMENT');
    const second = await callApi(historyPath(`cursor=${cursor}`));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ step: '1m', points: [MINUTE_1], nextCursor: null });
  });

  test('limit 1 and limit 10000 are accepted', async () => {
    expect((await callApi(historyPath(`${range}&limit=1`))).body.points).toHaveLength(1);
    expect((await callApi(historyPath(`${range}&limit=10000`))).body.points).toHaveLength(12);
  });
});

describe('history at any range: step', () => {
  test('step=1m: one point a minute, each summing its ticks; stats as for raw', async () => {
    const answer = await callApi(historyPath(`${range}&step=1m`));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      groupId: GROUP,
      from: iso(tick(0)),
      to: iso(tick(11)),
      step: '1m',
      points: [MINUTE_0, MINUTE_1],
      stats: STATS,
      nextCursor: null,
    });
  });

  test('step=5m, 1h and 1d: one bucket holds all the ticks', async () => {
    for (const step of ['5m', '1h', '1d']) {
      const answer = await callApi(historyPath(`${range}&step=${step}`));
      expect({ step, body: answer.body }).toMatchObject({
        step,
        body: { step, points: [{ at: iso(tick(0)), samples: 11, gaps: 1, min: 100, max: 1200, avg: 618.18, last: 1200 }], stats: STATS },
      });
    }
  });

  test('a bucket cut by from or to covers only the part inside the range, and starts at from', async () => {
    const answer = await callApi(historyPath(`from=${iso(tick(3) - 5000)}&to=${iso(tick(7) + 5000)}&step=1m`));
    expect(answer.body.points).toEqual([
      { at: iso(tick(3) - 5000), samples: 2, gaps: 1, min: 100, max: 900, avg: 500, last: 900 },
      { at: iso(tick(6)), samples: 2, gaps: 0, min: 800, max: 1100, avg: 950, last: 800 },
    ]);
    expect(answer.body.stats).toEqual({ samples: 4, gaps: 1, peak: 1100, peakAt: iso(tick(6)), min: 100, avg: 725 });
  });

  test('buckets with neither samples nor gaps are left out; ranges longer than 31 days take a step', async () => {
    const day = 86_400_000;
    const answer = await callApi(historyPath(`from=${iso(base - 40 * day)}&to=${iso(base + 40 * day)}&step=1d`));
    expect(answer.status).toBe(200);
    const midnight = Date.UTC(2026, 10, 21);
    expect(answer.body.points).toEqual([
      { at: iso(midnight), samples: 12, gaps: 1, min: 100, max: 99_999, avg: 8899.92, last: 1200 },
      { at: iso(midnight + day), samples: 1, gaps: 0, min: 88_888, max: 88_888, avg: 88_888, last: 88_888 },
    ]);
    expect(answer.body.stats).toEqual({ samples: 13, gaps: 1, peak: 99_999, peakAt: iso(tick(-100)), min: 100, avg: 15_052.85 });
  });

  test('auto: raw when the range holds at most limit ticks, else the finest step with at most limit buckets', async () => {
    expect((await callApi(historyPath(`${range}&step=auto`))).body).toMatchObject({ step: 'raw', stats: STATS });
    expect((await callApi(historyPath(`${range}&step=auto&limit=2`))).body).toMatchObject({ step: '1m', points: [MINUTE_0, MINUTE_1], stats: STATS });
    // A month that holds 14 ticks is answered raw; five hours of 14 ticks at limit 10 hourly.
    expect((await callApi(historyPath(`from=2026-10-22T10:00:00Z&to=2026-11-22T10:00:00Z&step=auto`))).body).toMatchObject({
      step: 'raw',
      stats: { samples: 13, gaps: 1 },
    });
    const hours = await callApi(historyPath(`from=2026-11-21T09:00:00Z&to=2026-11-21T14:00:00Z&step=auto&limit=10`));
    expect(hours.body).toMatchObject({ step: '1h', stats: { samples: 12, gaps: 1 } });
    expect(hours.body.points.map((point: { at: string; samples: number }) => [point.at, point.samples])).toEqual([
      [iso(base - 3_600_000), 1],
      [iso(base), 11],
    ]);
    const year = await callApi(historyPath(`from=2025-11-22T10:00:00Z&to=2026-11-22T10:00:00Z&step=auto&limit=1000`));
    expect(year.body.step).toBe('1d');
  });

  test('stepped pages: the cursor keeps range and step, stats are on every page', async () => {
    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: ApiAnswer = await callApi(historyPath(`${range}&step=1m&limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      expect(answer.status).toBe(200);
      expect(answer.body.stats).toEqual(STATS);
      seen.push(...answer.body.points);
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([MINUTE_0, MINUTE_1]);
  });

  test('rooms: the same buckets, over totalUsers', async () => {
    const answer = await callApi(`/v1/rooms/${ROOM}/online-users/history?from=${iso(tick(0))}&to=${iso(tick(11))}&step=1h`);
    expect(answer.body).toEqual({
      roomId: ROOM,
      appId: APP,
      from: iso(tick(0)),
      to: iso(tick(11)),
      step: '1h',
      points: [{ at: iso(tick(0)), samples: 3, gaps: 0, min: 10, max: 12, avg: 11, last: 12 }],
      stats: { samples: 3, gaps: 0, peak: 12, peakAt: iso(tick(2)), min: 10, avg: 11 },
      nextCursor: null,
    });
  });
});

describe('GET /v1/rooms/{roomId}/online-users/history', () => {
  test('answers the room points and stats over totalUsers, for the default AppId', async () => {
    const answer = await callApi(`/v1/rooms/${ROOM}/online-users/history?from=${iso(tick(0))}&to=${iso(tick(11))}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      roomId: ROOM,
      appId: APP,
      from: iso(tick(0)),
      to: iso(tick(11)),
      step: 'raw',
      points: [0, 1, 2].map((n) => ({ at: iso(tick(n)), totalUsers: 10 + n, totalInvisibleUsers: n })),
      stats: { samples: 3, gaps: 0, peak: 12, peakAt: iso(tick(2)), min: 10, avg: 11 },
      nextCursor: null,
    });
  });

  test('another AppId has its own history', async () => {
    const answer = await callApi(`/v1/rooms/${ROOM}/online-users/history?appId=other-app&from=${iso(tick(0))}&to=${iso(tick(11))}`);
    expect(answer.body).toMatchObject({ appId: 'other-app', points: [] });
  });

  test.each([
    ['a bad room ID', `/v1/rooms/bad%20room/online-users/history`],
    ['a bad appId', `/v1/rooms/${ROOM}/online-users/history?appId=a%20b`],
    ['a bad limit', `/v1/rooms/${ROOM}/online-users/history?limit=-3`],
  ])('400 INVALID_ARGUMENT for %s', async (_name, path) => {
    expectContractError(await callApi(path), 400, 'INVALID_ARGUMENT');
  });
});
