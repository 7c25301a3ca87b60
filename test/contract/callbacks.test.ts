import { createHash, randomUUID } from 'node:crypto';
import { sleep } from '#lib/sleep.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type ApiAnswer, callApi, emulator, expectContractError, pastRefreshCooldown } from '#test/support/http.ts';

// The provider callbacks through real HTTP, signed here the way the providers sign them. The
// signatures are computed in this file from ../shared/API.md, never by the code under test.

const TOKEN = DEMO_CREDENTIALS.tencent.callbackToken;
const VOLC_SECRET = DEMO_CREDENTIALS.volc.callbackSecret;
const SDK_APP_ID = String(DEMO_CREDENTIALS.tencent.sdkAppId);
const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const trackedTargets = async (kind: 'group' | 'room'): Promise<any[]> => {
  const targets: any[] = [];
  let cursor: string | null = null;
  do {
    const answer: ApiAnswer = await callApi(`/v1/tracking?kind=${kind}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    targets.push(...answer.body.targets);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return targets;
};
const trackedGroup = async (groupId: string) => (await trackedTargets('group')).find((target) => target.groupId === groupId);
const trackedRoom = async (roomId: string) => (await trackedTargets('room')).find((target) => target.roomId === roomId && target.appId === APP);

interface TencentCall {
  command: string;
  body: Record<string, unknown>;
  requestTime?: number;
  sign?: string | null;
  sdkAppId?: string;
}

const tencentQuery = (call: TencentCall): string => {
  const requestTime = String(call.requestTime ?? Math.floor(Date.now() / 1000));
  const params = new URLSearchParams({
    SdkAppid: call.sdkAppId ?? SDK_APP_ID,
    CallbackCommand: call.command,
    contenttype: 'json',
    ClientIP: '127.0.0.1',
    OptPlatform: 'RESTAPI',
  });
  if (call.sign !== null) params.set('Sign', call.sign ?? sha256(`${TOKEN}${requestTime}`));
  params.set('RequestTime', requestTime);
  return params.toString();
};

const tencentCallback = (call: TencentCall, query = tencentQuery(call)) =>
  callApi(`/v1/callbacks/tencent?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ CallbackCommand: call.command, ...call.body }),
  });

const created = (groupId: string, type = 'AVChatRoom'): TencentCall => ({
  command: 'Group.CallbackAfterCreateGroup',
  body: { GroupId: groupId, Type: type, Owner_Account: 'host', Name: 'live', MemberList: [], EventTime: Date.now() },
});

const TENCENT_OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };

describe('POST /v1/callbacks/tencent', () => {
  test('a signed group creation tracks a live-stream group (source callback, lapsing after the idle hours)', async () => {
    const groupId = '@TGS#aCBCREATED';
    const answer = await tencentCallback(created(groupId));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: TENCENT_OK });
    const tracked = await trackedGroup(groupId);
    expect(tracked).toMatchObject({ kind: 'group', groupId, sources: ['callback'] });
    const idleMs = Date.parse(tracked.expiresAt) - Date.now();
    expect(idleMs).toBeGreaterThan(6 * 3_600_000 - 60_000);
    expect(idleMs).toBeLessThanOrEqual(6 * 3_600_000);
  });

  test('a member joining pushes the expiry back; destroying the group ends the callback source', async () => {
    const groupId = '@TGS#aCBJOIN';
    await tencentCallback(created(groupId));
    const before = await trackedGroup(groupId);
    await sleep(20);
    const joined = await tencentCallback({
      command: 'Group.CallbackAfterNewMemberJoin',
      body: {
        GroupId: groupId,
        Type: 'AVChatRoom',
        JoinType: 'Apply',
        Operator_Account: 'u1',
        NewMemberList: [{ Member_Account: 'u1' }],
        EventTime: Date.now(),
      },
    });
    expect(joined.body).toEqual(TENCENT_OK);
    const after = await trackedGroup(groupId);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.parse(before.expiresAt));
    expect(after.since).toBe(before.since);
    const destroyed = await tencentCallback({
      command: 'Group.CallbackAfterGroupDestroyed',
      body: { GroupId: groupId, Type: 'AVChatRoom', Owner_Account: 'host', EventTime: Date.now() },
    });
    expect(destroyed.body).toEqual(TENCENT_OK);
    expect(await trackedGroup(groupId)).toBeUndefined();
  });

  test('commands that do not change tracking, and groups that are not live-stream, are answered OK and change nothing', async () => {
    expect((await tencentCallback(created('@TGS#2CBPUBLIC', 'Public'))).body).toEqual(TENCENT_OK);
    expect((await tencentCallback({ command: 'Group.CallbackAfterSendMsg', body: { GroupId: '@TGS#aCBMSG', Type: 'AVChatRoom' } })).body).toEqual(TENCENT_OK);
    expect(await trackedGroup('@TGS#2CBPUBLIC')).toBeUndefined();
    expect(await trackedGroup('@TGS#aCBMSG')).toBeUndefined();
  });

  const refused = async (call: TencentCall, groupId: string, query?: string) => {
    expectContractError(await tencentCallback(call, query), 401, 'UNAUTHENTICATED');
    expect(await trackedGroup(groupId)).toBeUndefined();
  };

  test('a wrong Sign is 401 UNAUTHENTICATED and changes nothing', async () => {
    await refused({ ...created('@TGS#aCBWRONG'), sign: sha256(`not-the-token${Math.floor(Date.now() / 1000)}`) }, '@TGS#aCBWRONG');
  });

  test('a missing Sign is 401', async () => {
    await refused({ ...created('@TGS#aCBMISSING'), sign: null }, '@TGS#aCBMISSING');
  });

  test('a RequestTime 61 s old, rightly signed for it, is 401', async () => {
    await refused({ ...created('@TGS#aCBSTALE'), requestTime: Math.floor(Date.now() / 1000) - 61 }, '@TGS#aCBSTALE');
  });

  test('a callback for another SDKAppID, rightly signed, is 401', async () => {
    await refused({ ...created('@TGS#aCBFOREIGN'), sdkAppId: '1400999999' }, '@TGS#aCBFOREIGN');
  });

  test('the same request replayed is 401 and changes nothing', async () => {
    const groupId = '@TGS#aCBREPLAY';
    const call = created(groupId);
    const query = tencentQuery(call);
    expect((await tencentCallback(call, query)).body).toEqual(TENCENT_OK);
    await tencentCallback({ command: 'Group.CallbackAfterGroupDestroyed', body: { GroupId: groupId, Type: 'AVChatRoom' } });
    expect(await trackedGroup(groupId)).toBeUndefined();
    await refused(call, groupId, query);
  });

  test('a rotated callback token is picked up without a redeploy: the new token works at once, the old one no longer does', async () => {
    try {
      await emulator.rotate({ tencent: { callbackToken: 'rotated-tencent-callback-token' } });
      await pastRefreshCooldown();
      const requestTime = Math.floor(Date.now() / 1000);
      const rotated = await tencentCallback({ ...created('@TGS#aCBROTATED'), requestTime, sign: sha256(`rotated-tencent-callback-token${requestTime}`) });
      expect(rotated.body).toEqual(TENCENT_OK);
      expect(await trackedGroup('@TGS#aCBROTATED')).toMatchObject({ sources: ['callback'] });
      await pastRefreshCooldown();
      expectContractError(await tencentCallback(created('@TGS#aCBOLDTOKEN')), 401, 'UNAUTHENTICATED');
      expect(await trackedGroup('@TGS#aCBOLDTOKEN')).toBeUndefined();
    } finally {
      await emulator.restoreDefaultCredentials();
      await tencentCallback({ command: 'Group.CallbackAfterGroupDestroyed', body: { GroupId: '@TGS#aCBROTATED', Type: 'AVChatRoom' } });
    }
  });

  test('an authenticated body that is not a group event is 400; one over 64 KiB is 413', async () => {
    expectContractError(await tencentCallback({ command: 'Group.CallbackAfterCreateGroup', body: { Type: 'AVChatRoom' } }), 400, 'INVALID_ARGUMENT');
    expectContractError(
      await tencentCallback({ ...created('@TGS#aCBBIG'), body: { ...created('@TGS#aCBBIG').body, Name: 'x'.repeat(70_000) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(await trackedGroup('@TGS#aCBBIG')).toBeUndefined();
  });
});

interface VolcCall {
  eventType: string;
  roomId: string;
  eventId?: string;
  eventTime?: string;
  appId?: string;
  secret?: string;
}

const volcBody = (call: VolcCall): Record<string, string> => {
  const fields = {
    EventType: call.eventType,
    EventData: JSON.stringify({ RoomId: call.roomId, Timestamp: Date.now() }),
    EventTime: call.eventTime ?? new Date().toISOString(),
    EventId: call.eventId ?? randomUUID(),
    AppId: call.appId ?? APP,
    Version: '2020-12-01',
    Nonce: randomUUID().slice(0, 4),
  };
  return { ...fields, Signature: sha256([...Object.values(fields), call.secret ?? VOLC_SECRET].sort().join('')) };
};

const volcCallback = (body: unknown) =>
  callApi('/v1/callbacks/volcengine', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /v1/callbacks/volcengine', () => {
  test('RoomCreate tracks the room; RoomDestroy ends it; an EventId seen before changes nothing', async () => {
    const create = volcBody({ eventType: 'RoomCreate', roomId: 'cb-room-1' });
    const answer = await volcCallback(create);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { ok: true } });
    expect(await trackedRoom('cb-room-1')).toMatchObject({ kind: 'room', roomId: 'cb-room-1', appId: APP, sources: ['callback'] });
    expect((await volcCallback(volcBody({ eventType: 'RoomDestroy', roomId: 'cb-room-1' }))).body).toEqual({ ok: true });
    expect(await trackedRoom('cb-room-1')).toBeUndefined();
    // The creation delivered again (Volcengine does not promise one delivery): answered, not applied.
    const again = await volcCallback(create);
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { ok: true } });
    expect(await trackedRoom('cb-room-1')).toBeUndefined();
  });

  test('a rotated callback secret is picked up without a redeploy', async () => {
    try {
      await emulator.rotate({ volc: { callbackSecret: 'rotated-volc-callback-secret' } });
      await pastRefreshCooldown();
      const answer = await volcCallback(volcBody({ eventType: 'RoomCreate', roomId: 'cb-room-rotated', secret: 'rotated-volc-callback-secret' }));
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { ok: true } });
      expect(await trackedRoom('cb-room-rotated')).toMatchObject({ sources: ['callback'] });
      await pastRefreshCooldown();
      expectContractError(await volcCallback(volcBody({ eventType: 'RoomCreate', roomId: 'cb-room-old-secret' })), 401, 'UNAUTHENTICATED');
    } finally {
      await emulator.restoreDefaultCredentials();
      await volcCallback(volcBody({ eventType: 'RoomDestroy', roomId: 'cb-room-rotated' }));
    }
  });

  test("a slow Secrets Manager during the re-read a wrong signature forces answers the contract's error inside the function's time, not Lambda's timeout", async () => {
    await volcCallback(volcBody({ eventType: 'RoomCreate', roomId: 'cb-room-warm' })); // the secret is cached
    await pastRefreshCooldown();
    await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', latencyMs: 20_000 });
    try {
      // The function has 4 s; a read with its whole own budget (two 2 s attempts) would outlive it.
      const error = expectContractError(
        await volcCallback(volcBody({ eventType: 'RoomCreate', roomId: 'cb-room-slow', secret: 'not-the-secret' })),
        502,
        'UPSTREAM_ERROR',
      );
      expect(error.upstream).toMatchObject({ provider: 'aws-secrets-manager', code: 'TIMEOUT' });
    } finally {
      await emulator.clearFaults();
      await volcCallback(volcBody({ eventType: 'RoomDestroy', roomId: 'cb-room-warm' }));
    }
  });

  test('a user joining a room tracks it too', async () => {
    expect((await volcCallback(volcBody({ eventType: 'UserJoinRoom', roomId: 'cb-room-join' }))).status).toBe(200);
    expect(await trackedRoom('cb-room-join')).toMatchObject({ sources: ['callback'] });
    await volcCallback(volcBody({ eventType: 'RoomDestroy', roomId: 'cb-room-join' }));
  });

  test.each([
    ['a wrong signature', { secret: 'not-the-secret' }, undefined],
    ['another AppId, rightly signed', { appId: 'someone-elses-app' }, undefined],
    ['an event a day and an hour old, rightly signed', { eventTime: new Date(Date.now() - 25 * 3_600_000).toISOString() }, undefined],
    ['no signature', {}, (body: Record<string, string>) => ({ ...body, Signature: '' })],
    [
      'a missing field',
      {},
      (body: Record<string, string>) => {
        const { Nonce: _nonce, ...rest } = body;
        return rest;
      },
    ],
  ])('%s is 401 UNAUTHENTICATED and changes nothing', async (_name, change, edit) => {
    const roomId = `cb-refused-${randomUUID().slice(0, 8)}`;
    const body = volcBody({ eventType: 'RoomCreate', roomId, ...change });
    expectContractError(await volcCallback(edit ? edit(body) : body), 401, 'UNAUTHENTICATED');
    expect((await trackedTargets('room')).some((target) => target.roomId === roomId)).toBe(false);
  });

  test('a body that is not JSON is 415; one over 64 KiB is 413', async () => {
    const answer = await callApi('/v1/callbacks/volcengine', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"EventType":' });
    expectContractError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectContractError(
      await volcCallback({ ...volcBody({ eventType: 'RoomCreate', roomId: 'cb-big' }), Padding: 'x'.repeat(70_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

// Runs other tests count must not sample what these callbacks tracked.
afterAll(async () => {
  await tencentCallback({ command: 'Group.CallbackAfterGroupDestroyed', body: { GroupId: '@TGS#aCBCREATED', Type: 'AVChatRoom' } });
  await emulator.clearFaults();
});
