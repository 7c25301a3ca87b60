import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { secretSourceFrom } from '#lib/compose/clients.ts';
import { Deadline } from '#lib/deadline.ts';
import { toApiError } from '#lib/http/to-api-error.ts';
import { SecretCache } from '#lib/secrets.ts';
import { TencentChatClient } from '#lib/tencent/client.ts';
import { parseTencentSecret } from '#lib/tencent/credentials.ts';
import { UserSigCache } from '#lib/tencent/usersig.ts';
import { LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { localAwsEnvironment } from '#support/local-aws.ts';
import { emulator, emulatorUrl } from '#test/support/http.ts';

// The library's Tencent client in-process, against the emulator through a recording relay, to
// see what goes over the wire: the hosts tried and the `random` of every attempt.

const GROUP = '@TGS#aCLIENTLIVE';
let relay: Server;
let relayUrl: string;
const seen: Array<{ random: string | null; usersig: string | null }> = [];

beforeAll(async () => {
  Object.assign(process.env, localAwsEnvironment(emulatorUrl()));
  await emulator.putGroup(GROUP, { type: 'AVChatRoom', onlineCount: 5 });
  relay = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    seen.push({ random: url.searchParams.get('random'), usersig: url.searchParams.get('usersig') });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const upstream = await fetch(`${emulatorUrl()}${req.url}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator.clearFaults();
  await new Promise((resolve) => relay.close(resolve));
});

const client = (baseUrls: string[]) =>
  new TencentChatClient({
    baseUrls,
    secrets: new SecretCache({ source: secretSourceFrom(process.env), secretId: LOCAL_SECRET_NAMES.tencent, parse: parseTencentSecret, ttlMs: 60_000 }),
    userSigs: new UserSigCache({ lifetimeSeconds: 3600 }),
    attemptTimeoutMs: 2000,
  });

describe('Tencent Chat client', () => {
  const callOnlineCount = async (tencent: TencentChatClient) =>
    (await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000))).OnlineMemberNum;

  test('moves on to the backup host when the main host refuses connections, and stays there', async () => {
    const refusedHost = 'http://127.0.0.1:9'; // discard port: connection refused
    const tencent = client([refusedHost, relayUrl]);
    seen.length = 0;
    expect(await callOnlineCount(tencent)).toBe(5);
    expect({ main: tencent.upstreamCalls - seen.length, backup: seen.length }).toEqual({ main: 1, backup: 1 });
    expect(await callOnlineCount(tencent)).toBe(5);
    expect(await callOnlineCount(tencent)).toBe(5);
    expect({ main: tencent.upstreamCalls - seen.length, backup: seen.length }).toEqual({ main: 1, backup: 3 });
  });

  test('moves on to the backup host when the main host drops every connection, and stays there', async () => {
    // A real listener that hangs up on every connection, so the attempts on it can be counted.
    let mainConnections = 0;
    const dropping = createNetServer((socket) => {
      mainConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const tencent = client([`http://127.0.0.1:${(dropping.address() as AddressInfo).port}`, relayUrl]);
      seen.length = 0;
      expect(await callOnlineCount(tencent)).toBe(5);
      expect({ main: mainConnections, backup: seen.length }).toEqual({ main: 1, backup: 1 });
      expect(await callOnlineCount(tencent)).toBe(5);
      expect(await callOnlineCount(tencent)).toBe(5);
      expect({ main: mainConnections, backup: seen.length }).toEqual({ main: 1, backup: 3 });
      expect(tencent.upstreamCalls).toBe(4);
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  });

  test('an answer from the main host, even an HTTP 502, is final: retried there, the backup is never called', async () => {
    let mainRequests = 0;
    const failing = createServer((req, res) => {
      mainRequests += 1;
      req.resume();
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const tencent = client([`http://127.0.0.1:${(failing.address() as AddressInfo).port}`, relayUrl]);
      seen.length = 0;
      await expect(callOnlineCount(tencent)).rejects.toMatchObject({ kind: 'server', code: 'HTTP_502' });
      expect({ main: mainRequests, backup: seen.length }).toEqual({ main: 3, backup: 0 });
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  test('sends a fresh random in [0, 2^32) on every attempt, retries included', async () => {
    const tencent = client([relayUrl]);
    seen.length = 0;
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', errorCode: 10002, times: 2 });
    await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000));
    for (let i = 0; i < 5; i += 1) await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000));
    expect(seen).toHaveLength(8);
    const randoms = seen.map((entry) => Number(entry.random));
    for (const random of randoms) expect(Number.isInteger(random) && random >= 0 && random <= 4_294_967_295).toBe(true);
    expect(new Set(randoms).size).toBe(randoms.length);
    expect(new Set(seen.map((entry) => entry.usersig)).size).toBe(1); // one cached UserSig for all
  });

  test('an answer that is not JSON is retried, then reported as a bad response (UPSTREAM_ERROR at the edge)', async () => {
    const tencent = client([`${relayUrl}/not-an-api`]);
    const failure = await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'bad-response', provider: 'tencent-im' });
    expect(toApiError(failure)).toMatchObject({ code: 'UPSTREAM_ERROR', statusCode: 502 });
  });
});
