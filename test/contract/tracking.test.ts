import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type ApiAnswer, callApi, emulator, expectContractError, groupPath, upstreamCalls } from '#test/support/http.ts';

// The tracking routes of ../shared/API.md through real HTTP, on the suite's local stack.

const LIVE = '@TGS#aTRACKLIVE';
const PUBLIC = '@TGS#2TRACKPUBLIC';
const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const HOUR_MS = 3_600_000;

const put = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(path, {
    method: 'PUT',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const del = (path: string) => callApi(path, { method: 'DELETE' });
const roomPath = (roomId: string, suffix = 'tracking') => `/v1/rooms/${encodeURIComponent(roomId)}/${suffix}`;

/** Every target GET /v1/tracking lists, paging to the end. */
const listAll = async (query = ''): Promise<any[]> => {
  const targets: any[] = [];
  let cursor: string | null = null;
  do {
    const answer: ApiAnswer = await callApi(`/v1/tracking?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    targets.push(...answer.body.targets);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return targets;
};

beforeAll(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 7 });
  await emulator.putGroup(PUBLIC, { type: 'Public', memberCount: 3 });
});

afterAll(async () => {
  // Other tests count what the snapshot run samples: leave nothing tracked behind.
  await del(groupPath(LIVE, 'tracking'));
  for (const room of ['track-room-1', 'track-room-2', 'track-room-ttl']) await del(roomPath(room));
  await del(`${roomPath('track-room-1')}?appId=other-app`);
  for (let index = 0; index < 5; index += 1) await del(roomPath(`track-page-${index}`));
});

describe('PUT /v1/groups/{groupId}/tracking', () => {
  test('starts tracking a live-stream group by the API, after checking it upstream once', async () => {
    const calls = await upstreamCalls();
    const before = Date.now();
    const answer = await put(groupPath(LIVE, 'tracking'));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: 'group', groupId: LIVE, tracked: true, sources: ['api'], since: expect.any(String), expiresAt: null });
    expect(Date.parse(answer.body.since)).toBeGreaterThanOrEqual(before - 1000);
    expect((await upstreamCalls()) - calls).toBe(1);
    expect((await listAll('&kind=group')).find((target) => target.groupId === LIVE)).toMatchObject({ kind: 'group', sources: ['api'], expiresAt: null });
  });

  test('a second PUT is idempotent: it keeps `since` and updates `expiresAt`', async () => {
    const first = await put(groupPath(LIVE, 'tracking'));
    const second = await put(groupPath(LIVE, 'tracking'), { ttlHours: 2 });
    expect(second.status).toBe(200);
    expect(second.body.since).toBe(first.body.since);
    expect(Date.parse(second.body.expiresAt) - Date.now()).toBeGreaterThan(2 * HOUR_MS - 60_000);
    expect(Date.parse(second.body.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * HOUR_MS);
    const third = await put(groupPath(LIVE, 'tracking'));
    expect(third.body.expiresAt).toBeNull();
  });

  test.each([
    ['an unknown group', '@TGS#aTRACKNOSUCH', 404, 'GROUP_NOT_FOUND'],
    ['a group that is not live-stream', PUBLIC, 403, 'UNSUPPORTED_GROUP_TYPE'],
  ])('%s answers like online-count and is not tracked', async (_name, groupId, status, code) => {
    expectContractError(await put(groupPath(groupId, 'tracking')), status, code);
    expect((await listAll('&kind=group')).some((target) => target.groupId === groupId)).toBe(false);
  });

  test.each([
    [{ ttlHours: 0 }, 'ttlHours'],
    [{ ttlHours: 721 }, 'ttlHours'],
    [{ ttlHours: 1.5 }, 'ttlHours'],
    [{ ttlHours: '24' }, 'ttlHours'],
    [{ ttl: 24 }, 'ttl'],
    [[24], 'body'],
    ['7', 'body'],
  ])('body %p is 400 INVALID_ARGUMENT on %s, with no upstream call', async (body, field) => {
    const calls = await upstreamCalls();
    const error = expectContractError(await put(groupPath(LIVE, 'tracking'), body), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await upstreamCalls()).toBe(calls);
  });

  test('a bad group ID, an unknown query parameter, a body that is not JSON: no upstream call', async () => {
    const calls = await upstreamCalls();
    expectContractError(await put(groupPath('x'.repeat(49), 'tracking')), 400, 'INVALID_ARGUMENT');
    expectContractError(await put(`${groupPath(LIVE, 'tracking')}?ttlHours=2`), 400, 'INVALID_ARGUMENT');
    expectContractError(await put(groupPath(LIVE, 'tracking'), '{"ttlHours":', { 'content-type': 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectContractError(await put(groupPath(LIVE, 'tracking'), JSON.stringify({ ttlHours: 1, pad: 'x'.repeat(70_000) })), 413, 'PAYLOAD_TOO_LARGE');
    expect(await upstreamCalls()).toBe(calls);
  });
});

describe('DELETE /v1/groups/{groupId}/tracking', () => {
  test('stops tracking by the API; idempotent', async () => {
    await put(groupPath(LIVE, 'tracking'));
    const answer = await del(groupPath(LIVE, 'tracking'));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: 'group', groupId: LIVE, tracked: false, sources: [], since: null, expiresAt: null });
    expect((await listAll('&kind=group')).some((target) => target.groupId === LIVE)).toBe(false);
    expect((await del(groupPath(LIVE, 'tracking'))).body).toMatchObject({ tracked: false, sources: [] });
  });
});

describe('room tracking', () => {
  test('PUT and DELETE a room with the default AppId or another, with no upstream call', async () => {
    const calls = await upstreamCalls();
    const tracked = await put(roomPath('track-room-1'));
    expect(tracked.status).toBe(200);
    expect(tracked.body).toEqual({
      kind: 'room',
      roomId: 'track-room-1',
      appId: APP,
      tracked: true,
      sources: ['api'],
      since: expect.any(String),
      expiresAt: null,
    });
    const other = await put(`${roomPath('track-room-1')}?appId=other-app`, { ttlHours: 1 });
    expect(other.body).toMatchObject({ roomId: 'track-room-1', appId: 'other-app', tracked: true });
    const rooms = (await listAll('&kind=room')).filter((target) => target.roomId === 'track-room-1');
    expect(rooms.map((target) => target.appId).sort()).toEqual([APP, 'other-app'].sort());
    expect((await del(roomPath('track-room-1'))).body).toMatchObject({ appId: APP, tracked: false, sources: [] });
    expect((await listAll('&kind=room')).filter((target) => target.roomId === 'track-room-1').map((target) => target.appId)).toEqual(['other-app']);
    expect(await upstreamCalls()).toBe(calls);
  });

  test.each([
    ['PUT', roomPath('bad room'), 'roomId'],
    ['PUT', `${roomPath('ok-room')}?appId=bad%20app`, 'appId'],
    ['DELETE', roomPath('x'.repeat(129)), 'roomId'],
    ['PUT', `${roomPath('ok-room')}?kind=room`, 'kind'],
  ])('%s %s is 400 on %s', async (method, path, field) => {
    const error = expectContractError(await callApi(path, { method }), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });
});

describe('GET /v1/tracking', () => {
  test('lists each target once with its sources, since, expiry and newest point (null before the first sample)', async () => {
    await put(roomPath('track-room-2'));
    await put(roomPath('track-room-ttl'), { ttlHours: 3 });
    const rooms = await listAll('&kind=room');
    expect(rooms.find((target) => target.roomId === 'track-room-2')).toEqual({
      kind: 'room',
      roomId: 'track-room-2',
      appId: APP,
      sources: ['api'],
      since: expect.any(String),
      expiresAt: null,
      lastSample: null,
    });
    expect(Date.parse(rooms.find((target) => target.roomId === 'track-room-ttl').expiresAt)).toBeGreaterThan(Date.now() + 2 * HOUR_MS);
    expect(new Set(rooms.map((target) => `${target.appId}/${target.roomId}`)).size).toBe(rooms.length);
    expect((await listAll('&kind=group')).every((target) => target.kind === 'group')).toBe(true);
  });

  test('pages with limit and an opaque cursor, and never repeats or skips a target', async () => {
    for (let index = 0; index < 5; index += 1) await put(roomPath(`track-page-${index}`));
    const everything = await listAll();
    const paged: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: ApiAnswer = await callApi(`/v1/tracking?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      expect(answer.body.targets.length).toBeLessThanOrEqual(2);
      paged.push(...answer.body.targets);
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 1000);
    const key = (target: any) => `${target.kind}/${target.groupId ?? `${target.appId}/${target.roomId}`}`;
    expect(paged.map(key)).toEqual(everything.map(key));
    expect(paged.filter((target) => String(target.roomId).startsWith('track-page-'))).toHaveLength(5);
  });

  test.each([
    ['kind=rooms', 'kind'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['cursor=not-a-cursor!', 'cursor'],
    ['other=1', 'other'],
  ])('%s is 400 on %s', async (query, field) => {
    const error = expectContractError(await callApi(`/v1/tracking?${query}`), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  test('a cursor of one kind is refused for another', async () => {
    await put(roomPath('track-page-0'));
    await put(roomPath('track-page-1'));
    const first = await callApi('/v1/tracking?kind=room&limit=1');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expectContractError(await callApi(`/v1/tracking?kind=group&cursor=${first.body.nextCursor}`), 400, 'INVALID_ARGUMENT');
  });
});
