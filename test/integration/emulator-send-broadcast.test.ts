import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { sleep } from '#lib/sleep.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type EmulatorClient, emulatorClient } from '#support/emulator-client.ts';
import { sendBroadcast, type VolcAnswer, volcCall, volcErrorOf } from '#test/support/upstream-calls.ts';

// Volcengine RTC SendBroadcast (2023-07-20) over HTTP against an emulator of the test's own:
// the signature check it shares with GetRoomOnlineUsers, the body rules, the 64 KB limit, its own
// 500/s per AppId limit, faults and stats by name, and the room's message log.

const APP = DEMO_CREDENTIALS.volc.rtcAppId;
let emulator: RunningEmulator;
let control: EmulatorClient;

const broadcast = (extra: Record<string, unknown> = {}) => ({ AppId: APP, RoomId: 'room1', From: 'server_1', Binary: false, Message: 'hello', ...extra });
const roomUsers = (options: Parameters<typeof volcCall>[3] = {}) =>
  volcCall(emulator.url, 'GetRoomOnlineUsers', '2023-08-01', { ...options, query: { AppId: APP, RoomId: 'room1' } });
const errorOf = (answer: VolcAnswer) => ({ status: answer.status, code: volcErrorOf(answer)?.Code, codeN: volcErrorOf(answer)?.CodeN });
const aSecond = () => sleep(1100);

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbacks: {} });
  control = emulatorClient(emulator.url);
});

beforeEach(async () => {
  await control.reset();
  await control.putRoom(APP, 'room1', { visibleUsers: ['host'], invisibleUsers: [] });
});

afterAll(async () => {
  await emulator.close();
});

describe('SendBroadcast', () => {
  test('answers Result.Message "success" and stores the body as received, oldest first', async () => {
    const answer = await sendBroadcast(emulator.url, broadcast());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ResponseMetadata: { RequestId: expect.any(String), Action: 'SendBroadcast', Version: '2023-07-20', Service: 'rtc', Region: 'cn-north-1' },
      Result: { Message: 'success' },
    });
    const binary = broadcast({ Message: Buffer.from('second').toString('base64'), Binary: true, From: 'a@b.c-d_e' });
    expect((await sendBroadcast(emulator.url, binary)).status).toBe(200);
    // A room nobody is in still takes a broadcast.
    await sendBroadcast(emulator.url, broadcast({ RoomId: 'empty-room' }));
    const log = await control.roomMessages(APP, 'room1');
    expect(log).toEqual({
      appId: APP,
      roomId: 'room1',
      messages: [
        { at: expect.any(String), body: broadcast() },
        { at: expect.any(String), body: binary },
      ],
    });
    expect(log.messages[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await control.roomMessages(APP, 'empty-room')).messages).toHaveLength(1);
  });

  test('an unsigned, wrongly signed or altered-in-transit call is rejected exactly as GetRoomOnlineUsers rejects it', async () => {
    const unsigned = await sendBroadcast(emulator.url, broadcast(), { sign: false });
    expect(errorOf(unsigned)).toEqual({ status: 401, code: 'MissingAuthenticationToken', codeN: 100003 });
    expect(errorOf(unsigned)).toEqual(errorOf(await roomUsers({ sign: false })));

    const wrongKey = await sendBroadcast(emulator.url, broadcast(), { sign: 'not-the-secret' });
    expect(errorOf(wrongKey)).toEqual({ status: 401, code: 'SignatureDoesNotMatch', codeN: 100010 });
    expect(errorOf(wrongKey)).toEqual(errorOf(await roomUsers({ sign: 'not-the-secret' })));

    // Signed for one body, sent with another: X-Content-Sha256 gives it away.
    const altered = await sendBroadcast(emulator.url, broadcast(), { sentBody: JSON.stringify(broadcast({ Message: 'tampered' })) });
    expect(errorOf(altered)).toEqual({ status: 401, code: 'SignatureDoesNotMatch', codeN: 100010 });
    expect((await control.roomMessages(APP, 'room1')).messages).toEqual([]);
    expect((await control.stats()).apis.SendBroadcast?.rejected).toEqual({ 100003: 1, 100010: 2 });
  });

  test('only version 2023-07-20; GetRoomOnlineUsers keeps 2023-08-01', async () => {
    const body = JSON.stringify(broadcast());
    expect(errorOf(await volcCall(emulator.url, 'SendBroadcast', '2020-12-01', { method: 'POST', body }))).toEqual({
      status: 404,
      code: 'InvalidActionOrVersion',
      codeN: 100008,
    });
    expect(errorOf(await volcCall(emulator.url, 'GetRoomOnlineUsers', '2023-07-20', { query: { AppId: APP, RoomId: 'room1' } }))).toEqual({
      status: 404,
      code: 'InvalidActionOrVersion',
      codeN: 100008,
    });
    const users = await roomUsers();
    expect(users.status).toBe(200);
    expect(users.body.Result).toEqual({ RoomExists: true, TotalUser: 1, TotalInvisibleUser: 0, VisibleUserList: ['host'], InvisibleUserList: [] });
  });

  test.each([
    ['AppId', { AppId: undefined }],
    ['RoomId', { RoomId: undefined }],
    ['From', { From: undefined }],
    ['Message', { Message: undefined }],
    ['Message (empty)', { Message: '' }],
  ])('missing %s: 400 MissingParameter', async (_name, change) => {
    const answer = await sendBroadcast(emulator.url, broadcast(change));
    expect(errorOf(answer)).toEqual({ status: 400, code: 'MissingParameter', codeN: 100002 });
  });

  test.each([
    ['From with a character outside [a-zA-Z0-9_@-.]', { From: 'server 1' }],
    ['From of 129 characters', { From: 'a'.repeat(129) }],
    ['From that is not a string', { From: 7 }],
    ['Binary that is not a boolean', { Binary: 'true' }],
    ['a binary Message that is not base64', { Binary: true, Message: 'not base64!' }],
    ['a text Message over 64 KB', { Message: 'a'.repeat(64 * 1024 + 1) }],
    ['a text Message over 64 KB in UTF-8 bytes', { Message: '好'.repeat(22_000) }],
    ['a binary Message over 64 KB once decoded', { Binary: true, Message: Buffer.alloc(64 * 1024 + 1, 7).toString('base64') }],
    ['an AppId of another account', { AppId: 'someone-elses-app' }],
  ])('%s: 400 InvalidParameter, nothing stored', async (_name, change) => {
    const answer = await sendBroadcast(emulator.url, broadcast(change));
    expect(errorOf(answer)).toEqual({ status: 400, code: 'InvalidParameter', codeN: undefined });
    expect(volcErrorOf(answer)?.Message).toEqual(expect.any(String));
    expect((await control.roomMessages(APP, 'room1')).messages).toEqual([]);
  });

  test('a body that is not JSON: 400 InvalidParameter', async () => {
    expect(errorOf(await sendBroadcast(emulator.url, 'AppId=x'))).toEqual({ status: 400, code: 'InvalidParameter', codeN: undefined });
  });

  test('exactly 64 KB is accepted, as text and as decoded binary; From may be 128 characters of the allowed set', async () => {
    expect((await sendBroadcast(emulator.url, broadcast({ Message: 'a'.repeat(64 * 1024) }))).status).toBe(200);
    expect((await sendBroadcast(emulator.url, broadcast({ Binary: true, Message: Buffer.alloc(64 * 1024, 1).toString('base64') }))).status).toBe(200);
    expect((await sendBroadcast(emulator.url, broadcast({ From: `${'aZ09_@-.'.repeat(16)}` }))).status).toBe(200);
    expect((await sendBroadcast(emulator.url, broadcast({ Binary: undefined }))).status).toBe(200); // Binary defaults to text
  });

  describe('frequency', () => {
    afterEach(async () => {
      await control.setLimits({ volcPerSecond: 40, volcBroadcastPerSecond: 500 });
    });

    test('its own limit per AppId (500/s, configurable): past it 429 FlowLimitExceeded; another AppId keeps its budget', async () => {
      await control.putRoom('second-app', 'room1', { visibleUsers: [], invisibleUsers: [] });
      await aSecond();
      expect(await control.setLimits({ volcBroadcastPerSecond: 3 })).toMatchObject({ volcBroadcastPerSecond: 3, volcPerSecond: 40 });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await sendBroadcast(emulator.url, broadcast({ Message: `m${i}` }))).status);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
      const throttled = await sendBroadcast(emulator.url, broadcast());
      expect(errorOf(throttled)).toEqual({ status: 429, code: 'FlowLimitExceeded', codeN: 100018 });
      expect((await sendBroadcast(emulator.url, broadcast({ AppId: 'second-app' }))).status).toBe(200);
      expect((await control.stats()).apis.SendBroadcast?.rejected['100018']).toBeGreaterThanOrEqual(3);
      // GetRoomOnlineUsers answers under its own limit meanwhile.
      expect((await roomUsers()).status).toBe(200);
    });

    test("is not GetRoomOnlineUsers's 40/s: with that limit at 2, broadcasts still pass, and the other way round", async () => {
      await aSecond();
      await control.setLimits({ volcPerSecond: 2 });
      for (let i = 0; i < 6; i += 1) expect((await sendBroadcast(emulator.url, broadcast({ Message: `m${i}` }))).status).toBe(200);
      const users = [await roomUsers(), await roomUsers(), await roomUsers()];
      expect(users.map((answer) => answer.status)).toEqual([200, 200, 429]);
    });
  });

  test('a fault named SendBroadcast answers for it alone', async () => {
    await control.addFault({ target: 'volc', api: 'SendBroadcast', errorCode: 100018, times: 1 });
    try {
      expect((await roomUsers()).status).toBe(200);
      expect(errorOf(await sendBroadcast(emulator.url, broadcast()))).toEqual({ status: 429, code: 'FlowLimitExceeded', codeN: 100018 });
      expect((await sendBroadcast(emulator.url, broadcast())).status).toBe(200);
    } finally {
      await control.clearFaults();
    }
  });
});
