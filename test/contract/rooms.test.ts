import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { callApi, emulator, expectContractError, upstreamCalls } from '#test/support/http.ts';

const APP = DEMO_CREDENTIALS.volc.rtcAppId;

beforeAll(async () => {
  await emulator.putRoom(APP, 'room1', { visibleUsers: ['normal_user_1'], invisibleUsers: ['silent_user_1', 'silent_user_2'] });
  await emulator.putRoom('other-app', 'room@2.x_y-z', { visibleUsers: ['a', 'b'], invisibleUsers: [] });
});

describe('GET /v1/rooms/{roomId}/online-users', () => {
  test('answers the room users, with the configured AppId by default', async () => {
    const answer = await callApi('/v1/rooms/room1/online-users');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      appId: APP,
      roomId: 'room1',
      roomExists: true,
      totalUsers: 3,
      totalInvisibleUsers: 2,
      visibleUsers: ['normal_user_1'],
      invisibleUsers: ['silent_user_1', 'silent_user_2'],
      fetchedAt: expect.any(String),
    });
  });

  test('appId selects another RTC app', async () => {
    const answer = await callApi(`/v1/rooms/${encodeURIComponent('room@2.x_y-z')}/online-users?appId=other-app`);
    expect(answer.body).toMatchObject({ appId: 'other-app', roomId: 'room@2.x_y-z', roomExists: true, totalUsers: 2, totalInvisibleUsers: 0 });
  });

  test('a room that does not exist answers 200 with roomExists false and empty lists', async () => {
    const answer = await callApi('/v1/rooms/empty-room/online-users');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      appId: APP,
      roomId: 'empty-room',
      roomExists: false,
      totalUsers: 0,
      totalInvisibleUsers: 0,
      visibleUsers: [],
      invisibleUsers: [],
      fetchedAt: expect.any(String),
    });
  });

  test('400 INVALID_ARGUMENT when upstream refuses the AppId', async () => {
    const error = expectContractError(await callApi('/v1/rooms/room1/online-users?appId=not-my-app'), 400, 'INVALID_ARGUMENT');
    expect(error.upstream).toMatchObject({ provider: 'volcengine-rtc', code: 'InvalidParameter' });
  });

  test('128 characters is the longest room ID', async () => {
    expect((await callApi(`/v1/rooms/${'r'.repeat(128)}/online-users`)).status).toBe(200);
  });

  test.each([
    ['129 characters', `/v1/rooms/${'r'.repeat(129)}/online-users`],
    ['a space', '/v1/rooms/room%201/online-users'],
    ['a slash', '/v1/rooms/room%2F1/online-users'],
    ['a non-ASCII letter', `/v1/rooms/${encodeURIComponent('rööm')}/online-users`],
    ['a plus sign', '/v1/rooms/room+1/online-users'],
    ['bad percent-encoding', '/v1/rooms/room%ZZ/online-users'],
    ['an empty appId', '/v1/rooms/room1/online-users?appId='],
    ['an appId with a space', '/v1/rooms/room1/online-users?appId=a%20b'],
    ['an unknown parameter', '/v1/rooms/room1/online-users?AppId=x'],
  ])('400 INVALID_ARGUMENT for %s, with no upstream call', async (_name, path) => {
    const before = await upstreamCalls();
    expectContractError(await callApi(path), 400, 'INVALID_ARGUMENT');
    expect(await upstreamCalls()).toBe(before);
  });
});
