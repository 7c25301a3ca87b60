import { callApi, emulator, expectContractError, groupPath, upstreamCalls } from '#test/support/http.ts';

const LIVE = '@TGS#aCOUNTLIVE1';
const PUBLIC = '@TGS#2COUNTPUBLIC';

beforeAll(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 1000 });
  await emulator.putGroup(PUBLIC, { type: 'Public', memberCount: 3 });
});

describe('GET /v1/groups/{groupId}/online-count', () => {
  test('answers the live group online count', async () => {
    const answer = await callApi(groupPath(LIVE, 'online-count'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ groupId: LIVE, onlineCount: 1000, fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(Math.abs(Date.parse(answer.body.fetchedAt) - Date.now())).toBeLessThan(60_000);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  test('follows the upstream count as it changes', async () => {
    await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 1234 });
    expect((await callApi(groupPath(LIVE, 'online-count'))).body.onlineCount).toBe(1234);
  });

  test("echoes the caller's x-request-id", async () => {
    const answer = await callApi(groupPath(LIVE, 'online-count'), { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(answer.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  test('403 UNSUPPORTED_GROUP_TYPE for a group that is not live-stream', async () => {
    const error = expectContractError(await callApi(groupPath(PUBLIC, 'online-count')), 403, 'UNSUPPORTED_GROUP_TYPE');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10007 });
  });

  test('404 GROUP_NOT_FOUND for an unknown group', async () => {
    const error = expectContractError(await callApi(groupPath('@TGS#aNOSUCHGROUP', 'online-count')), 404, 'GROUP_NOT_FOUND');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10010 });
  });

  test('400 INVALID_GROUP_ID when upstream calls the ID malformed (10015)', async () => {
    const error = expectContractError(await callApi(groupPath('grüppe', 'online-count')), 400, 'INVALID_GROUP_ID');
    expect(error.upstream).toMatchObject({ code: 10015 });
  });

  test.each([
    ['48 bytes is the longest valid ID', 'a'.repeat(48), 404],
    ['multi-byte characters count as bytes (16 x 3 bytes)', '中'.repeat(16), 400],
  ])('%s', async (_name, id, status) => {
    expect((await callApi(groupPath(id, 'online-count'))).status).toBe(status);
  });

  test.each([
    ['49 bytes', `/v1/groups/${'a'.repeat(49)}/online-count`],
    ['49 bytes of multi-byte characters', `/v1/groups/${encodeURIComponent(`${'中'.repeat(16)}a`)}/online-count`],
    ['a control character', '/v1/groups/abc%00def/online-count'],
    ['a newline', '/v1/groups/abc%0Adef/online-count'],
    ['DEL', '/v1/groups/abc%7F/online-count'],
    ['a truncated escape', '/v1/groups/%E0%A4%A/online-count'],
    ['a lone percent sign', '/v1/groups/abc%/online-count'],
    ['an overlong UTF-8 encoding', '/v1/groups/%C0%80abc/online-count'],
    ['an encoded lone surrogate', '/v1/groups/%ED%A0%80/online-count'],
    ['an unknown query parameter', `${groupPath(LIVE, 'online-count')}?verbose=1`],
  ])('400 INVALID_ARGUMENT and no upstream call for %s', async (_name, path) => {
    const before = await upstreamCalls();
    const error = expectContractError(await callApi(path), 400, 'INVALID_ARGUMENT');
    expect(error.details.length).toBeGreaterThan(0);
    expect(await upstreamCalls()).toBe(before);
  });
});
