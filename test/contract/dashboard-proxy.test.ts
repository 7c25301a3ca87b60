import { createServer, get as httpGet, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { regionOfApiUrl } from '#dashboard/proxy.ts';
import { cliEnvironment, runDashboardCli as runCli, stopDashboardClis } from '#test/support/dashboard-cli.ts';
import { apiUrl, callApi } from '#test/support/http.ts';

// `npm run dashboard -- --api <url>`: the page on 127.0.0.1, its reads forwarded to a stack with
// the operator's authorization. A stand-in stack records what arrives and checks it: the SigV4
// signature verified with the same signer and the same (static, test-only) credentials, or the
// bearer token.

const CREDENTIALS = { accessKeyId: 'AKIDDASHBOARDTEST', secretAccessKey: 'dashboard-test-secret-key', sessionToken: 'dashboard-test-session' };

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in for the deployed API: answers every request with what it received. */
const startStandIn = async (): Promise<{ url: string; received: Received[]; server: Server }> => {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    if (request.url?.includes('/limited')) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'set-cookie': 'a=b' });
      response.end(JSON.stringify({ error: { code: 'UPSTREAM_RATE_LIMITED', message: 'slow down', requestId: 'r' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'from-the-stack', 'set-cookie': 'session=1' });
    response.end(JSON.stringify({ path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
};

const signerFor = (region: string) => new SignatureV4({ service: 'execute-api', region, credentials: CREDENTIALS, sha256: Sha256 });

/** Signs what the stand-in received again, with the headers it names as signed and its date: the same Authorization if genuine. */
const verifySigV4 = async (request: Received, standInUrl: string, region: string): Promise<void> => {
  const authorization = request.headers.authorization as string;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  const [path, search = ''] = request.url.split('?');
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) query[name] = query[name] === undefined ? value : [query[name] as string, value].flat();
  const amzDate = request.headers['x-amz-date'] as string;
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const { hostname, port } = new URL(standInUrl);
  const again = await signerFor(region).sign(
    { method: request.method, protocol: 'http:', hostname, port: Number(port), path: path as string, query, headers },
    { signingDate },
  );
  expect(authorization).toBe(again.headers.authorization);
};

describe('npm run dashboard (the signing proxy)', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  beforeAll(async () => {
    standIn = await startStandIn();
  });
  beforeEach(() => {
    standIn.received.length = 0;
  });
  afterAll(async () => {
    stopDashboardClis();
    await new Promise((resolve) => standIn.server.close(resolve));
  });

  test('iam: forwards reads to the stack, under its stage path, signed with SigV4 that verifies', async () => {
    const cli = await runCli(
      ['--api', `${standIn.url}/prod`, '--port', '0', '--region', 'eu-west-1'],
      cliEnvironment({
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
      }),
    );
    expect(cli.output).toContain('SigV4 (execute-api, eu-west-1)');
    const path = 'v1/groups/%40TGS%23aPROXY/online-count/history?from=2026-11-21T09%3A00%3A00.000%2B08%3A00&step=auto&limit=60';
    const answer = await fetch(`${cli.url}${path}`, { headers: { 'x-request-id': 'page-request-1' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('from-the-stack');
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(await answer.json()).toEqual({ path: `/prod/${path}` });

    expect(standIn.received).toHaveLength(1);
    const [request] = standIn.received as [Received];
    expect(request.method).toBe('GET');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDDASHBOARDTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(request.headers['x-request-id']).toBe('page-request-1');
    const signed = /SignedHeaders=([^,]+)/.exec(request.headers.authorization as string)?.[1]?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
    await verifySigV4(request, standIn.url, 'eu-west-1');
    // The same check refuses a signature made with other credentials or for another region.
    await expect(verifySigV4(request, standIn.url, 'us-east-1')).rejects.toThrow();

    // The stack's own errors come back as they are, with the headers the page may need.
    const limited = await fetch(`${cli.url}v1/limited`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('set-cookie')).toBeNull();
  });

  test('jwt: forwards with the bearer token and no AWS signature', async () => {
    const cli = await runCli(['--api', standIn.url, '--port', '0'], cliEnvironment({ LIVEGATE_TOKEN: 'header.payload.signature' }));
    expect(cli.output).toContain('a bearer token');
    const answer = await fetch(`${cli.url}v1/tracking?limit=1000`);
    expect(answer.status).toBe(200);
    const [request] = standIn.received as [Received];
    expect(request.url).toBe('/v1/tracking?limit=1000');
    expect(request.headers.authorization).toBe('Bearer header.payload.signature');
    expect(Object.keys(request.headers).filter((name) => name.startsWith('x-amz-'))).toEqual([]);

    const withFlag = await runCli(['--api', standIn.url, '--port', '0', '--token', 'from-the-flag'], cliEnvironment());
    await fetch(`${withFlag.url}v1/tracking`);
    expect(standIn.received[1]?.headers.authorization).toBe('Bearer from-the-flag');
  });

  test('forwards reads only, only for pages it served, and serves the same page as the API', async () => {
    const cli = await runCli(['--api', standIn.url, '--port', '0', '--token', 't'], cliEnvironment());
    const url = cli.url as string;
    const write = await fetch(`${url}v1/groups/x/tracking`, { method: 'PUT' });
    expect(write.status).toBe(405);
    expect(write.headers.get('allow')).toBe('GET');
    expect(((await write.json()) as any).error.code).toBe('METHOD_NOT_ALLOWED');
    expect((await fetch(`${url}v1/groups/x/admins`, { method: 'POST', body: '{}' })).status).toBe(405);
    // Another site's page reaching 127.0.0.1 through a name of its own (DNS rebinding) is refused.
    const rebound = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(url);
      const request = httpGet({ host: '127.0.0.1', port, path: '/v1/tracking', headers: { host: `evil.example:${port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });
    expect(rebound).toBe(403);
    expect((await fetch(`${url}elsewhere`)).status).toBe(404);
    expect(standIn.received).toEqual([]);

    for (const path of ['', 'dashboard/app.js', 'dashboard/uPlot.iife.min.js', 'dashboard/uPlot.min.css', 'dashboard/app.css']) {
      const local = await fetch(`${url}${path}`);
      const deployed = await callApi(`/${path}`);
      expect({ path, status: local.status, type: local.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: deployed.headers.get('content-type'),
      });
      expect(await local.text()).toBe(deployed.text);
    }
  });

  test("over the local stack (auth none), the listing is the API's", async () => {
    const cli = await runCli(['--api', apiUrl(), '--port', '0', '--auth', 'none'], cliEnvironment());
    const viaProxy = await (await fetch(`${cli.url}v1/tracking?kind=group&limit=5`)).json();
    const direct = (await callApi('/v1/tracking?kind=group&limit=5')).body;
    expect(viaProxy).toEqual(direct);
  });

  test('the signing region comes from an execute-api URL, else --region is required; no credentials is a clear stop', async () => {
    expect(regionOfApiUrl('https://abc123.execute-api.ap-southeast-1.amazonaws.com')).toBe('ap-southeast-1');
    expect(regionOfApiUrl('https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod')).toBe('cn-north-1');
    expect(regionOfApiUrl('https://api.example.com')).toBeUndefined();
    const keys = { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey };
    const parsed = await runCli(['--api', 'https://abc123.execute-api.ap-southeast-1.amazonaws.com', '--port', '0'], cliEnvironment(keys));
    expect(parsed.output).toContain('SigV4 (execute-api, ap-southeast-1)');
    const custom = await runCli(['--api', 'https://api.example.com', '--port', '0'], cliEnvironment(keys));
    expect(custom.code).toBe(2);
    expect(custom.output).toContain('--region is required');
    const none = await runCli(['--api', standIn.url, '--port', '0', '--region', 'eu-west-1'], cliEnvironment());
    expect(none.code).toBe(2);
    expect(none.output).toContain('No AWS credentials');
  });
});
