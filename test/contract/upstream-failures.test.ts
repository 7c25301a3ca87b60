import { defaultRetryPolicy } from '#lib/upstream/retry.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { callApi, callsOf, emulator, expectContractError, groupPath, pastRefreshCooldown } from '#test/support/http.ts';

// Upstream trouble, injected in the emulator: what is retried, what is recovered, and what
// the caller is told when nothing helps.

const LIVE = '@TGS#aFAILURESLIVE';
const countPath = groupPath(LIVE, 'online-count');
const roomPath = '/v1/rooms/fault-room/online-users';

beforeAll(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 77 });
  await emulator.putRoom(DEMO_CREDENTIALS.volc.rtcAppId, 'fault-room', { visibleUsers: ['v'], invisibleUsers: [] });
  // Warm both functions so their secrets are cached before the faults start.
  await callApi(countPath);
  await callApi(roomPath);
});

afterEach(async () => {
  await emulator.clearFaults();
});

afterAll(async () => {
  await emulator.restoreDefaultCredentials();
});

const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
};

describe('Tencent Chat failures', () => {
  test.each([
    ['HTTP 502', { httpStatus: 502 }],
    ['system error 10002', { errorCode: 10002 }],
    ['frequency limit 60007', { errorCode: 60007 }],
  ])('a passing %s is retried and the caller sees success', async (_name, fault) => {
    const before = await callsOf('get_online_member_num');
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', times: 1, ...fault });
    const answer = await callApi(countPath);
    expect(answer.status).toBe(200);
    expect(answer.body.onlineCount).toBe(77);
    expect((await callsOf('get_online_member_num')) - before).toBe(2);
  });

  test('a lasting HTTP 502 answers 502 UPSTREAM_ERROR after a bounded number of attempts', async () => {
    const before = await callsOf('get_online_member_num');
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', httpStatus: 502 });
    const error = expectContractError(await callApi(countPath), 502, 'UPSTREAM_ERROR');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 'HTTP_502' });
    expect((await callsOf('get_online_member_num')) - before).toBe(3);
  });

  test('a lasting 10002 answers 502 UPSTREAM_ERROR naming the upstream code', async () => {
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 10002 });
    const error = expectContractError(await callApi(countPath), 502, 'UPSTREAM_ERROR');
    expect(error.upstream).toEqual({ provider: 'tencent-im', code: 10002, info: expect.any(String) });
  });

  test('a lasting frequency limit answers 429 UPSTREAM_RATE_LIMITED with retry-after', async () => {
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 60007 });
    const answer = await callApi(countPath);
    expectContractError(answer, 429, 'UPSTREAM_RATE_LIMITED');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  test('an upstream slower than the time budget answers 504 UPSTREAM_TIMEOUT before the function times out', async () => {
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', latencyMs: 20_000 });
    const { result, ms } = await timed(() => callApi(countPath));
    expectContractError(result, 504, 'UPSTREAM_TIMEOUT');
    expect(ms).toBeLessThan(10_000); // the function's timeout: the answer must be ours, not Lambda's
  });

  test('an expired UserSig (70001) is regenerated and the call retried once, without re-reading the secret', async () => {
    const secretReads = await callsOf('GetSecretValue');
    const before = await callsOf('get_online_member_num');
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 70001, times: 1 });
    expect((await callApi(countPath)).status).toBe(200);
    expect((await callsOf('get_online_member_num')) - before).toBe(2);
    expect(await callsOf('GetSecretValue')).toBe(secretReads);
  });

  test('a signature rejected even after re-reading the secret answers 502 UPSTREAM_AUTH_FAILED; the secret is read once', async () => {
    // A forced re-read within a second of the last read reuses it (SecretCache): wait that out, so
    // the read counted is this test's whichever worker and read came before.
    await pastRefreshCooldown();
    const secretReads = await callsOf('GetSecretValue');
    const before = await callsOf('get_online_member_num');
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 70009 });
    const error = expectContractError(await callApi(countPath), 502, 'UPSTREAM_AUTH_FAILED');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 70009 });
    expect((await callsOf('get_online_member_num')) - before).toBe(2);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);
  });

  test('a rotated secret key is picked up without a redeploy', async () => {
    await pastRefreshCooldown();
    await emulator.rotate({ tencent: { secretKey: 'rotated-tencent-key-for-the-test' } });
    const secretReads = await callsOf('GetSecretValue');
    const rejectedByKey = async () => (await emulator.stats()).apis.get_online_member_num?.rejected['70009'] ?? 0;
    const rejectionsBefore = await rejectedByKey();
    const answer = await callApi(countPath);
    expect(answer.status).toBe(200);
    expect(answer.body.onlineCount).toBe(77);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);
    // The old key was really refused once, and the re-read key accepted.
    expect((await rejectedByKey()) - rejectionsBefore).toBe(1);
  });
});

describe('Volcengine RTC failures', () => {
  const roomCalls = () => callsOf('GetRoomOnlineUsers');

  test.each([
    ['HTTP 500', { httpStatus: 500 }],
    ['InternalError 100014', { errorCode: 100014 }],
  ])('a passing %s is retried once and the caller sees success: two upstream calls', async (_name, fault) => {
    const before = await roomCalls();
    await emulator.addFault({ target: 'volc', api: 'GetRoomOnlineUsers', times: 1, ...fault });
    const answer = await callApi(roomPath);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roomId: 'fault-room', roomExists: true, totalUsers: 1, visibleUsers: ['v'] });
    expect((await roomCalls()) - before).toBe(2);
  });

  test.each([
    ['HTTP 500', { httpStatus: 500 }, 'HTTP_500'],
    ['InternalError 100014', { errorCode: 100014 }, 'InternalError'],
  ])('a lasting %s is attempted exactly maxAttempts times, then answers 502 UPSTREAM_ERROR', async (_name, fault, upstreamCode) => {
    const secretReads = await callsOf('GetSecretValue');
    const before = await roomCalls();
    await emulator.addFault({ target: 'volc', api: 'GetRoomOnlineUsers', ...fault });
    const error = expectContractError(await callApi(roomPath), 502, 'UPSTREAM_ERROR');
    expect(error.upstream).toMatchObject({ provider: 'volcengine-rtc', code: upstreamCode });
    expect((await roomCalls()) - before).toBe(defaultRetryPolicy.maxAttempts);
    // A server failure is not a credential problem: the secret is not read again.
    expect(await callsOf('GetSecretValue')).toBe(secretReads);
  });

  test('throttling that lasts answers 429 UPSTREAM_RATE_LIMITED', async () => {
    await emulator.addFault({ target: 'volc', api: 'GetRoomOnlineUsers', errorCode: 100018 });
    const answer = await callApi(roomPath);
    const error = expectContractError(answer, 429, 'UPSTREAM_RATE_LIMITED');
    expect(error.upstream).toMatchObject({ provider: 'volcengine-rtc', code: 'FlowLimitExceeded' });
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  test('a signature that keeps failing answers 502 UPSTREAM_AUTH_FAILED after one secret re-read', async () => {
    await pastRefreshCooldown(); // as for Tencent above
    const secretReads = await callsOf('GetSecretValue');
    await emulator.addFault({ target: 'volc', api: 'GetRoomOnlineUsers', errorCode: 100010 });
    const error = expectContractError(await callApi(roomPath), 502, 'UPSTREAM_AUTH_FAILED');
    expect(error.upstream).toMatchObject({ provider: 'volcengine-rtc', code: 'SignatureDoesNotMatch' });
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);
  });

  test('a rotated secret access key: one SignatureDoesNotMatch, one secret re-read, then success on the second upstream call', async () => {
    // The worker holds the old key (read at warm-up, or re-read by the tests above, more than a
    // cooldown ago), so its first call is signed with it.
    await pastRefreshCooldown();
    await emulator.rotate({ volc: { secretAccessKey: 'rotated-volc-secret-for-the-test' } });
    const rejectedSignatures = async () => (await emulator.stats()).apis.GetRoomOnlineUsers?.rejected['100010'] ?? 0;
    const secretReads = await callsOf('GetSecretValue');
    const before = await roomCalls();
    const rejectionsBefore = await rejectedSignatures();
    const answer = await callApi(roomPath);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ roomId: 'fault-room', totalUsers: 1, visibleUsers: ['v'] });
    expect((await roomCalls()) - before).toBe(2);
    expect((await rejectedSignatures()) - rejectionsBefore).toBe(1);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);
    // The re-read key is kept: the next request is one upstream call with no read.
    expect((await callApi(roomPath)).status).toBe(200);
    expect((await roomCalls()) - before).toBe(3);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);
  });
});
