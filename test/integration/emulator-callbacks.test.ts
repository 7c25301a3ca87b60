import { createHash } from 'node:crypto';
import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { DEMO_CREDENTIALS, LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { type EmulatorClient, emulatorClient } from '#support/emulator-client.ts';
import { readLocalSecret } from '#support/local-aws.ts';
import { type CallbackReceiver, type ReceivedCallback, startCallbackReceiver } from '#test/support/callback-receiver.ts';

// The callbacks the emulator plays: a local receiver stands in for the app, and every callback
// is checked field by field, its signature recomputed here from the documented rules (never with
// the emulator's own code): Tencent Sign = sha256hex(token + RequestTime); Volcengine Signature =
// sha256hex of the 7 string fields and the secret, sorted and joined.

const TOKEN: string = DEMO_CREDENTIALS.tencent.callbackToken;
const SECRET: string = DEMO_CREDENTIALS.volc.callbackSecret;
const APP: string = DEMO_CREDENTIALS.volc.rtcAppId;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let receiver: CallbackReceiver;
let emulator: RunningEmulator;
let control: EmulatorClient;

const tencentOf = (received: ReceivedCallback[]) => received.filter((callback) => callback.path === '/tencent');
const volcOf = (received: ReceivedCallback[]) => received.filter((callback) => callback.path === '/volc');

/** Everything API.md says the receiver checks of a Tencent callback; returns the body. */
const expectSignedTencent = (callback: ReceivedCallback, command: string, token = TOKEN) => {
  const query = Object.fromEntries(callback.query);
  expect(Object.keys(query)).toEqual(['SdkAppid', 'CallbackCommand', 'contenttype', 'ClientIP', 'OptPlatform', 'Sign', 'RequestTime']);
  expect(query).toMatchObject({
    SdkAppid: String(DEMO_CREDENTIALS.tencent.sdkAppId),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '127.0.0.1',
    OptPlatform: 'RESTAPI',
  });
  expect(query.RequestTime).toMatch(/^\d{10}$/);
  expect(Math.abs(Number(query.RequestTime) - callback.receivedAt / 1000)).toBeLessThan(5);
  expect(query.Sign).toBe(sha256(`${token}${query.RequestTime}`));
  expect(callback.headers['content-type']).toBe('application/json');
  expect(callback.body.CallbackCommand).toBe(command);
  expect(Math.abs((callback.body.EventTime as number) - callback.receivedAt)).toBeLessThan(5000);
  return callback.body;
};

/** Everything API.md says the receiver checks of a Volcengine callback; returns the parsed EventData. */
const expectSignedVolc = (callback: ReceivedCallback, eventType: string, appId = APP, secret = SECRET) => {
  const { body } = callback;
  expect(Object.keys(body).sort()).toEqual(['AppId', 'EventData', 'EventId', 'EventTime', 'EventType', 'Nonce', 'Signature', 'Version']);
  expect(body).toMatchObject({ EventType: eventType, AppId: appId, Version: '2020-12-01' });
  expect(body.EventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(body.Nonce).toMatch(/^[A-Za-z0-9]{4}$/);
  expect(new Date(body.EventTime).toISOString()).toBe(body.EventTime);
  expect(typeof body.EventData).toBe('string');
  const fields = [body.EventType, body.EventData, body.EventTime, body.EventId, body.AppId, body.Version, body.Nonce] as string[];
  expect(body.Signature).toBe(sha256([...fields, secret].sort().join('')));
  return JSON.parse(body.EventData) as Record<string, unknown>;
};

beforeAll(async () => {
  receiver = await startCallbackReceiver();
  emulator = await startEmulator({
    port: 0,
    callbacks: { tencentUrl: `${receiver.url}/tencent`, volcUrl: `${receiver.url}/volc`, attemptTimeoutMs: 400, retryDelayMs: 20 },
  });
  control = emulatorClient(emulator.url);
});

beforeEach(async () => {
  await control.reset();
  await control.rotate(DEMO_CREDENTIALS);
  receiver.clear();
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

describe('Tencent Chat callbacks', () => {
  test('a group created through the control API: Group.CallbackAfterCreateGroup, delivered before the PUT answers', async () => {
    const answer = await control.putGroup('@TGS#aCBCREATE', {
      type: 'AVChatRoom',
      name: 'Evening show',
      members: [{ account: 'host', role: 'Owner' }, { account: 'fan1' }],
    });
    expect(answer).toMatchObject({
      created: true,
      callbacks: [{ provider: 'tencent', command: 'Group.CallbackAfterCreateGroup', delivered: true, attempts: 1, status: 200 }],
    });
    expect(receiver.received).toHaveLength(1);
    const body = expectSignedTencent(receiver.received[0] as ReceivedCallback, 'Group.CallbackAfterCreateGroup');
    expect(body).toEqual({
      CallbackCommand: 'Group.CallbackAfterCreateGroup',
      GroupId: '@TGS#aCBCREATE',
      Type: 'AVChatRoom',
      Owner_Account: 'host',
      Name: 'Evening show',
      MemberList: [{ Member_Account: 'host' }, { Member_Account: 'fan1' }],
      EventTime: expect.any(Number),
    });
  });

  test('replacing a group sends nothing; the name defaults to the group ID', async () => {
    await control.putGroup('@TGS#aCBREPLACE', { type: 'Public', memberCount: 2 });
    const first = expectSignedTencent(receiver.received[0] as ReceivedCallback, 'Group.CallbackAfterCreateGroup');
    expect(first).toMatchObject({
      Type: 'Public',
      Name: '@TGS#aCBREPLACE',
      Owner_Account: 'owner_0',
      MemberList: [{ Member_Account: 'owner_0' }, { Member_Account: 'viewer_000001' }],
    });
    expect(await control.putGroup('@TGS#aCBREPLACE', { type: 'Public', memberCount: 3 })).toMatchObject({ created: false, callbacks: [] });
    expect(receiver.received).toHaveLength(1);
  });

  test('join, leave and delete: CallbackAfterNewMemberJoin, CallbackAfterMemberExit, CallbackAfterGroupDestroyed', async () => {
    const groupId = '@TGS#aCBLIFE';
    await control.putGroup(groupId, { type: 'AVChatRoom', members: [{ account: 'host', role: 'Owner', online: true }] });
    receiver.clear();

    expect((await control.joinGroup(groupId, 'u1')).callbacks).toEqual([
      { provider: 'tencent', command: 'Group.CallbackAfterNewMemberJoin', delivered: true, attempts: 1, status: 200 },
    ]);
    expect(expectSignedTencent(receiver.received[0] as ReceivedCallback, 'Group.CallbackAfterNewMemberJoin')).toEqual({
      CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
      GroupId: groupId,
      Type: 'AVChatRoom',
      JoinType: 'Apply',
      Operator_Account: 'u1',
      NewMemberList: [{ Member_Account: 'u1' }],
      EventTime: expect.any(Number),
    });
    // Already online: no join, no callback.
    expect((await control.joinGroup(groupId, 'u1')).callbacks).toEqual([]);

    await control.leaveGroup(groupId, 'u1');
    expect(expectSignedTencent(receiver.received[1] as ReceivedCallback, 'Group.CallbackAfterMemberExit')).toEqual({
      CallbackCommand: 'Group.CallbackAfterMemberExit',
      GroupId: groupId,
      Type: 'AVChatRoom',
      ExitType: 'Quit',
      Operator_Account: 'u1',
      ExitMemberList: [{ Member_Account: 'u1' }],
      EventTime: expect.any(Number),
    });

    expect(await control.deleteGroup(groupId)).toMatchObject({
      destroyed: true,
      callbacks: [{ command: 'Group.CallbackAfterGroupDestroyed', delivered: true }],
    });
    expect(expectSignedTencent(receiver.received[2] as ReceivedCallback, 'Group.CallbackAfterGroupDestroyed')).toEqual({
      CallbackCommand: 'Group.CallbackAfterGroupDestroyed',
      GroupId: groupId,
      Type: 'AVChatRoom',
      Owner_Account: 'host',
      Name: groupId,
      MemberList: [{ Member_Account: 'host' }, { Member_Account: 'u1' }],
      EventTime: expect.any(Number),
    });
    expect(receiver.received).toHaveLength(3);
  });

  test('a big group lists its first 500 members, as create_group takes at most 500', async () => {
    await control.putGroup('@TGS#aCBBIG', { type: 'AVChatRoom', memberCount: 2000 });
    expect((receiver.received[0] as ReceivedCallback).body.MemberList).toHaveLength(500);
  });

  test('bulk creation sends no callbacks unless asked', async () => {
    await control.createGroups({ prefix: 'CBBULK', count: 3 });
    expect(receiver.received).toEqual([]);
    const asked = await control.createGroups({ prefix: 'CBASKED', count: 2, callbacks: true });
    expect(asked.callbacks?.map((outcome) => outcome.delivered)).toEqual([true, true]);
    expect(tencentOf(receiver.received).map((callback) => callback.body.GroupId)).toEqual(['@TGS#aCBASKED0', '@TGS#aCBASKED1']);
  });
});

describe('Volcengine RTC callbacks', () => {
  test('PUT of a new room: RoomCreate; of an existing room: nothing', async () => {
    expect(await control.putRoom(APP, 'cb-room', { visibleUsers: ['a'] })).toMatchObject({
      created: true,
      callbacks: [{ provider: 'volc', eventType: 'RoomCreate', delivered: true, attempts: 1, status: 200 }],
    });
    const data = expectSignedVolc(receiver.received[0] as ReceivedCallback, 'RoomCreate');
    expect(data).toEqual({ RoomId: 'cb-room', Timestamp: expect.any(Number) });
    expect(Math.abs((data.Timestamp as number) - Date.now())).toBeLessThan(5000);
    expect(await control.putRoom(APP, 'cb-room', { visibleUsers: ['b'] })).toMatchObject({ created: false, callbacks: [] });
    expect(receiver.received).toHaveLength(1);
  });

  test('the first join creates the room: RoomCreate then UserJoinRoom; leave: UserLeaveRoom; DELETE: RoomDestroy', async () => {
    const joined = await control.joinRoom('other-app', 'cb-life', 'viewer.1', false);
    expect(joined).toMatchObject({ roomCreated: true, changed: true, totalUsers: 1 });
    expect(joined.callbacks.map((outcome) => outcome.eventType)).toEqual(['RoomCreate', 'UserJoinRoom']);
    expect(expectSignedVolc(receiver.received[0] as ReceivedCallback, 'RoomCreate', 'other-app')).toEqual({ RoomId: 'cb-life', Timestamp: expect.any(Number) });
    expect(expectSignedVolc(receiver.received[1] as ReceivedCallback, 'UserJoinRoom', 'other-app')).toEqual({
      RoomId: 'cb-life',
      UserId: 'viewer.1',
      DeviceType: 'web',
      Timestamp: expect.any(Number),
    });
    // Joining again (visible now) is no new join.
    expect(await control.joinRoom('other-app', 'cb-life', 'viewer.1', true)).toMatchObject({ changed: false, callbacks: [] });

    await control.leaveRoom('other-app', 'cb-life', 'viewer.1');
    expect(expectSignedVolc(receiver.received[2] as ReceivedCallback, 'UserLeaveRoom', 'other-app')).toEqual({
      RoomId: 'cb-life',
      UserId: 'viewer.1',
      Reason: 'userLeave',
      Timestamp: expect.any(Number),
    });
    await control.deleteRoom('other-app', 'cb-life');
    expect(expectSignedVolc(receiver.received[3] as ReceivedCallback, 'RoomDestroy', 'other-app')).toEqual({
      RoomId: 'cb-life',
      Timestamp: expect.any(Number),
    });
    // Every event its own EventId and Nonce draw.
    expect(new Set(receiver.received.map((callback) => callback.body.EventId)).size).toBe(4);
  });
});

describe('delivery', () => {
  test('not answered 200: retried twice, every attempt logged with its status; the outcome says so', async () => {
    receiver.script([], 503);
    const answer = await control.putGroup('@TGS#aCBRETRY', { type: 'AVChatRoom' });
    expect(answer.callbacks).toEqual([{ provider: 'tencent', command: 'Group.CallbackAfterCreateGroup', delivered: false, attempts: 3, status: 503 }]);
    expect(receiver.received).toHaveLength(3);
    for (const callback of receiver.received) expectSignedTencent(callback, 'Group.CallbackAfterCreateGroup');
    const { callbacks } = await control.callbacks();
    expect(callbacks.map(({ provider, command, attempt, status }) => ({ provider, command, attempt, status }))).toEqual(
      [1, 2, 3].map((attempt) => ({
        provider: 'tencent',
        command: 'Group.CallbackAfterCreateGroup',
        attempt,
        status: 503,
      })),
    );
  });

  test('a failure then 200: two attempts; a Volcengine retry is the same event (same EventId and Signature)', async () => {
    receiver.script([500]);
    expect((await control.putRoom(APP, 'cb-retry', {})).callbacks).toEqual([
      { provider: 'volc', eventType: 'RoomCreate', delivered: true, attempts: 2, status: 200 },
    ]);
    const [first, second] = volcOf(receiver.received) as [ReceivedCallback, ReceivedCallback];
    expect(second.text).toBe(first.text);
    expectSignedVolc(second, 'RoomCreate');
    expect((await control.callbacks()).callbacks.map((attempt) => [attempt.eventType, attempt.attempt, attempt.status, attempt.eventId])).toEqual([
      ['RoomCreate', 1, 500, first.body.EventId],
      ['RoomCreate', 2, 200, first.body.EventId],
    ]);
  });

  test('not answered within the attempt timeout: retried, logged with no status', async () => {
    receiver.script(['hang', 'hang', 'hang']);
    const started = Date.now();
    const answer = await control.joinRoom(APP, 'cb-timeout', 'u1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 400);
    expect(answer.callbacks[0]).toEqual({ provider: 'volc', eventType: 'RoomCreate', delivered: false, attempts: 3, status: null });
    expect(answer.callbacks[1]).toMatchObject({ eventType: 'UserJoinRoom', delivered: true, attempts: 1 });
    const logged = (await control.callbacks()).callbacks.slice(0, 3);
    expect(logged.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(logged[0]?.error).toMatch(/no answer within 400 ms/);
  });

  test('an unreachable receiver: three attempts, no status, and the control change still happens', async () => {
    const unreachable = await startEmulator({ port: 0, callbacks: { tencentUrl: 'http://127.0.0.1:9/callback', retryDelayMs: 1 } });
    try {
      const answer = await emulatorClient(unreachable.url).putGroup('@TGS#aCBNOWHERE', { type: 'AVChatRoom' });
      expect(answer).toMatchObject({ created: true, callbacks: [{ delivered: false, attempts: 3, status: null }] });
      expect((await emulatorClient(unreachable.url).getGroup('@TGS#aCBNOWHERE')).type).toBe('AVChatRoom');
    } finally {
      await unreachable.close();
    }
  });

  test('the log lists URLs without Sign and never a token, secret or signature', async () => {
    await control.putGroup('@TGS#aCBLOG', { type: 'AVChatRoom' });
    await control.joinRoom(APP, 'cb-log', 'u1');
    const { callbacks } = await control.callbacks();
    expect(callbacks).toHaveLength(3);
    expect(callbacks[0]).toEqual({
      provider: 'tencent',
      command: 'Group.CallbackAfterCreateGroup',
      attempt: 1,
      status: 200,
      at: expect.any(String),
      url: `${receiver.url}/tencent?SdkAppid=${DEMO_CREDENTIALS.tencent.sdkAppId}&CallbackCommand=Group.CallbackAfterCreateGroup&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&RequestTime=${(receiver.received[0] as ReceivedCallback).query.get('RequestTime')}`,
    });
    expect(callbacks[1]).toEqual({
      provider: 'volc',
      eventType: 'RoomCreate',
      eventId: expect.any(String),
      url: `${receiver.url}/volc`,
      attempt: 1,
      status: 200,
      at: expect.any(String),
    });
    const text = JSON.stringify(callbacks);
    for (const secret of [TOKEN, SECRET, 'Sign=', 'Signature', ...receiver.received.map((callback) => callback.query.get('Sign') ?? callback.body.Signature)]) {
      expect(text).not.toContain(secret);
    }
  });

  test('reset forgets the callback log', async () => {
    await control.putGroup('@TGS#aCBRESET', { type: 'AVChatRoom' });
    expect((await control.callbacks()).callbacks).toHaveLength(1);
    await control.reset();
    expect((await control.callbacks()).callbacks).toEqual([]);
  });
});

describe('credentials', () => {
  test('Secrets Manager serves callbackToken and callbackSecret; a rotation changes what is served and what signs', async () => {
    const secretOf = (secretId: string) => readLocalSecret(emulator.url, secretId);
    expect(await secretOf(LOCAL_SECRET_NAMES.tencent)).toMatchObject({ callbackToken: TOKEN });
    expect(await secretOf(LOCAL_SECRET_NAMES.volc)).toMatchObject({ callbackSecret: SECRET });

    await control.rotate({ tencent: { callbackToken: 'rotated-tencent-callback-token' }, volc: { callbackSecret: 'rotated-volc-callback-secret' } });
    expect(await secretOf(LOCAL_SECRET_NAMES.tencent)).toMatchObject({
      callbackToken: 'rotated-tencent-callback-token',
      secretKey: DEMO_CREDENTIALS.tencent.secretKey,
    });
    expect(await secretOf(LOCAL_SECRET_NAMES.volc)).toMatchObject({ callbackSecret: 'rotated-volc-callback-secret' });
    await control.putGroup('@TGS#aCBROTATED', { type: 'AVChatRoom' });
    await control.putRoom(APP, 'cb-rotated', {});
    expectSignedTencent(tencentOf(receiver.received)[0] as ReceivedCallback, 'Group.CallbackAfterCreateGroup', 'rotated-tencent-callback-token');
    expectSignedVolc(volcOf(receiver.received)[0] as ReceivedCallback, 'RoomCreate', APP, 'rotated-volc-callback-secret');
  });
});

describe('no callback URL', () => {
  test('nothing is sent, nothing is logged, and control answers list no callback', async () => {
    const quiet = await startEmulator({ port: 0, callbacks: {} });
    try {
      const client = emulatorClient(quiet.url);
      expect((await client.putGroup('@TGS#aCBQUIET', { type: 'AVChatRoom' })).callbacks).toEqual([]);
      expect((await client.joinGroup('@TGS#aCBQUIET', 'u1')).callbacks).toEqual([]);
      expect((await client.joinRoom(APP, 'quiet-room', 'u1')).callbacks).toEqual([]);
      expect((await client.deleteGroup('@TGS#aCBQUIET')).callbacks).toEqual([]);
      expect((await client.callbacks()).callbacks).toEqual([]);
      expect(receiver.received).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  test('the URLs come from EMULATOR_TENCENT_CALLBACK_URL and EMULATOR_VOLC_CALLBACK_URL when no option is given', async () => {
    const saved = { tencent: process.env.EMULATOR_TENCENT_CALLBACK_URL, volc: process.env.EMULATOR_VOLC_CALLBACK_URL };
    process.env.EMULATOR_TENCENT_CALLBACK_URL = `${receiver.url}/tencent`;
    delete process.env.EMULATOR_VOLC_CALLBACK_URL;
    const fromEnv = await startEmulator({ port: 0 });
    try {
      const client = emulatorClient(fromEnv.url);
      await client.putGroup('@TGS#aCBENV', { type: 'AVChatRoom' });
      await client.putRoom(APP, 'env-room', {});
      expect(receiver.received.map((callback) => callback.path)).toEqual(['/tencent']);
    } finally {
      await fromEnv.close();
      for (const [name, value] of [
        ['EMULATOR_TENCENT_CALLBACK_URL', saved.tencent],
        ['EMULATOR_VOLC_CALLBACK_URL', saved.volc],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
