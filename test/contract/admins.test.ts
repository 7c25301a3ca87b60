import { callApi, emulator, expectContractError, groupPath, postJson, upstreamCalls } from '#test/support/http.ts';

const LIVE = '@TGS#aADMINSLIVE';
const PUBLIC = '@TGS#2ADMINSPUBLIC';
const path = groupPath(LIVE, 'admins');

beforeEach(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 10, admins: ['a1', 'a2'] });
  await emulator.putGroup(PUBLIC, { type: 'Public', memberCount: 2 });
});

const adminsOf = async (): Promise<string[]> => (await emulator.getGroup(LIVE)).admins.sort();

describe('POST /v1/groups/{groupId}/admins', () => {
  test('sets admins', async () => {
    const answer = await postJson(path, { action: 'set', accounts: ['user1', 'user2'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ groupId: LIVE, action: 'set', accounts: ['user1', 'user2'] });
    expect(await adminsOf()).toEqual(['a1', 'a2', 'user1', 'user2']);
  });

  test('cancels admins', async () => {
    const answer = await postJson(path, { action: 'cancel', accounts: ['a1'] });
    expect(answer.body).toEqual({ groupId: LIVE, action: 'cancel', accounts: ['a1'] });
    expect(await adminsOf()).toEqual(['a2']);
  });

  test('is idempotent: setting an admin again, or cancelling a non-admin, succeeds', async () => {
    expect((await postJson(path, { action: 'set', accounts: ['a1'] })).status).toBe(200);
    expect((await postJson(path, { action: 'cancel', accounts: ['never-admin'] })).status).toBe(200);
    expect(await adminsOf()).toEqual(['a1', 'a2']);
  });

  test('409 ADMIN_LIMIT_EXCEEDED when the group would pass 5 admins, and nothing changes', async () => {
    expect((await postJson(path, { action: 'set', accounts: ['b1', 'b2', 'b3'] })).status).toBe(200);
    const error = expectContractError(await postJson(path, { action: 'set', accounts: ['c1'] }), 409, 'ADMIN_LIMIT_EXCEEDED');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10004 });
    expect(await adminsOf()).toEqual(['a1', 'a2', 'b1', 'b2', 'b3']);
    // A set that adds nobody new stays within the limit.
    expect((await postJson(path, { action: 'set', accounts: ['a1', 'b1'] })).status).toBe(200);
  });

  test('403 UNSUPPORTED_GROUP_TYPE for a group that is not live-stream', async () => {
    expectContractError(await postJson(groupPath(PUBLIC, 'admins'), { action: 'set', accounts: ['u'] }), 403, 'UNSUPPORTED_GROUP_TYPE');
  });

  test('404 GROUP_NOT_FOUND for an unknown group', async () => {
    expectContractError(await postJson(groupPath('@TGS#aNOADMINS', 'admins'), { action: 'set', accounts: ['u'] }), 404, 'GROUP_NOT_FOUND');
  });

  const invalidBodies: Array<[string, unknown]> = [
    ['an array', [{ action: 'set', accounts: ['u'] }]],
    ['a number', 42],
    ['a boolean', true],
    ['null', null],
    ['no action', { accounts: ['u'] }],
    ['an unknown action', { action: 'promote', accounts: ['u'] }],
    ['action of another case', { action: 'SET', accounts: ['u'] }],
    ['action as a number', { action: 1, accounts: ['u'] }],
    ['no accounts', { action: 'set' }],
    ['empty accounts', { action: 'set', accounts: [] }],
    ['six accounts', { action: 'set', accounts: ['1', '2', '3', '4', '5', '6'] }],
    ['accounts as a string', { action: 'set', accounts: 'u1' }],
    ['an empty account', { action: 'set', accounts: [''] }],
    ['a blank account', { action: 'set', accounts: ['   '] }],
    ['a non-string account', { action: 'set', accounts: [42] }],
    ['a null account', { action: 'set', accounts: [null] }],
    ['a repeated account', { action: 'set', accounts: ['u', 'u'] }],
    ['an account over 32 bytes', { action: 'set', accounts: ['x'.repeat(33)] }],
    ['an account with a control character', { action: 'set', accounts: ['a\u0000b'] }],
    ['an unknown field', { action: 'set', accounts: ['u'], force: true }],
    ['a __proto__ field', JSON.parse('{"action":"set","accounts":["u"],"__proto__":{"x":1}}')],
  ];

  test.each(invalidBodies)('400 INVALID_ARGUMENT for %s, with no upstream call', async (_name, body) => {
    const before = await upstreamCalls();
    const error = expectContractError(await postJson(path, body), 400, 'INVALID_ARGUMENT');
    expect(error.details.length).toBeGreaterThan(0);
    expect(await upstreamCalls()).toBe(before);
  });

  test('400 INVALID_ARGUMENT for an empty body', async () => {
    expectContractError(await callApi(path, { method: 'POST', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
  });

  test.each([
    ['text that is not JSON', 'application/json', 'action=set'],
    ['truncated JSON', 'application/json', '{"action":"set",'],
    ['a form body', 'application/x-www-form-urlencoded', 'action=set&accounts=u'],
    ['JSON sent as text/plain', 'text/plain', '{"action":"set","accounts":["u"]}'],
  ])('415 UNSUPPORTED_MEDIA_TYPE for %s, with no upstream call', async (_name, contentType, body) => {
    const before = await upstreamCalls();
    expectContractError(await callApi(path, { method: 'POST', headers: { 'content-type': contentType }, body }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await upstreamCalls()).toBe(before);
  });

  test('accepts JSON with a charset parameter', async () => {
    const answer = await callApi(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"action":"set","accounts":["u9"]}',
    });
    expect(answer.status).toBe(200);
  });

  test('413 PAYLOAD_TOO_LARGE above 64 KiB, with no upstream call; 64 KiB itself is read', async () => {
    const before = await upstreamCalls();
    const padded = (size: number) => {
      const base = '{"action":"set","accounts":["u"],"pad":""}';
      return base.replace('"pad":""', `"pad":"${'x'.repeat(size - base.length)}"`);
    };
    expectContractError(
      await callApi(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded(64 * 1024 + 1) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // At exactly the limit the body is parsed, and refused only for its unknown field.
    expectContractError(
      await callApi(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded(64 * 1024) }),
      400,
      'INVALID_ARGUMENT',
    );
    expect(await upstreamCalls()).toBe(before);
  });
});
