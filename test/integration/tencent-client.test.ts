import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deadline } from '../../lib/deadline.ts';
import { toApiError } from '../../lib/http/to-api-error.ts';
import { secretsManagerSource } from '../../lib/secrets.ts';
import { SecretCache } from '../../lib/secrets.ts';
import { TencentChatClient } from '../../lib/tencent/client.ts';
import { parseTencentSecret } from '../../lib/tencent/credentials.ts';
import { UserSigCache } from '../../lib/tencent/usersig.ts';
import { LOCAL_SECRET_NAMES } from '../../support/demo-credentials.ts';
import { localAwsEnvironment } from '../../support/local-aws.ts';
import { emulator, emulatorUrl } from '../support/http.ts';

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
      const upstream = await fetch(`${emulatorUrl()}${req.url}`, { method: req.method ?? 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
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

const client = (baseUrls: string[]) => new TencentChatClient({
  baseUrls,
  secrets: new SecretCache({ source: secretsManagerSource(), secretId: LOCAL_SECRET_NAMES.tencent, parse: parseTencentSecret, ttlMs: 60_000 }),
  userSigs: new UserSigCache({ lifetimeSeconds: 3600 }),
  attemptTimeoutMs: 2000,
});

describe('Tencent Chat client', () => {
  test('moves on to the backup host when the main host cannot be reached, and stays there', async () => {
    const deadHost = 'http://127.0.0.1:9'; // discard port: connection refused
    const tencent = client([deadHost, relayUrl]);
    seen.length = 0;
    const answer = await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000));
    expect(answer.OnlineMemberNum).toBe(5);
    expect(seen).toHaveLength(1);
    await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000));
    expect(tencent.upstreamCalls).toBe(3); // dead host once, then the backup twice
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
