import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { sendRequest } from '#lib/upstream/http.ts';
import { failureOf } from '#test/support/failure-of.ts';

// The shipped transport (lib/upstream/transport.ts) through sendRequest, against a real local
// node:http server: what the server saw, what came back, and the failure kinds.

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let route: Route;
const timers: NodeJS.Timeout[] = [];
const later = (ms: number, work: () => void) => {
  timers.push(setTimeout(work, ms));
};
const seen: Array<{ method: string | undefined; url: string | undefined; headers: IncomingMessage['headers']; body: string; remotePort: number | undefined }> =
  [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method, url: req.url, headers: req.headers, body, remotePort: req.socket.remotePort });
      route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  route = (_req, res) => res.end('{}');
});

afterEach(() => {
  for (const timer of timers.splice(0)) clearTimeout(timer);
});

test('sends method, headers and body, and reads status, headers and a UTF-8 body split across chunks', async () => {
  const text = JSON.stringify({ ok: true, name: 'héllo ✓ 直播' });
  const bytes = Buffer.from(text, 'utf8');
  const cut = bytes.indexOf(Buffer.from('✓', 'utf8')) + 1; // inside the three bytes of ✓
  route = (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-upstream-id': 'abc' });
    res.write(bytes.subarray(0, cut));
    later(20, () => res.end(bytes.subarray(cut)));
  };
  const payload = JSON.stringify({ GroupId: '@TGS#a1', note: 'é' });
  const answer = await sendRequest(
    'tencent-im',
    `${base}/v4/x?a=1&b=%20`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload },
    2000,
  );

  expect(answer.status).toBe(201);
  expect(answer.text).toBe(text);
  expect(answer.headers.get('X-Upstream-Id')).toBe('abc');
  expect(answer.headers.get('x-missing')).toBeNull();
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/v4/x?a=1&b=%20', body: payload });
  expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
});

test('a 5xx answer is returned with its status and body (the clients decide what it means)', async () => {
  route = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('busy');
  };
  const answer = await sendRequest('volcengine-rtc', `${base}/`, { method: 'GET' }, 2000);
  expect({ status: answer.status, text: answer.text }).toEqual({ status: 503, text: 'busy' });
});

test('keep-alive: two calls in a row use one connection', async () => {
  // A server of its own, so no connection is left over from another test.
  const connections: Socket[] = [];
  const ports: Array<number | undefined> = [];
  const own = createServer((req, res) => {
    ports.push(req.socket.remotePort);
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  own.on('connection', (socket: Socket) => connections.push(socket));
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
  try {
    await sendRequest('tencent-im', `${url}/one`, { method: 'POST', body: '{}' }, 2000);
    await sendRequest('tencent-im', `${url}/two`, { method: 'GET' }, 2000);
    expect(ports).toHaveLength(2);
    expect(connections).toHaveLength(1);
    expect(ports[1]).toBe(ports[0]);
  } finally {
    own.closeAllConnections();
    await new Promise((resolve) => own.close(resolve));
  }
});

test('no answer within the time → timeout kind', async () => {
  route = (_req, res) => {
    later(1500, () => res.end('{}'));
  };
  const started = Date.now();
  const failure = await failureOf(sendRequest('tencent-im', `${base}/slow`, { method: 'POST', body: '{}' }, 150));
  expect(failure).toMatchObject({ kind: 'timeout', provider: 'tencent-im', code: 'TIMEOUT' });
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a body that stops halfway past the time → timeout kind', async () => {
  route = (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"partial":');
    later(1500, () => res.end());
  };
  const started = Date.now();
  const failure = await failureOf(sendRequest('volcengine-rtc', `${base}/stall`, { method: 'GET' }, 150));
  expect(failure).toMatchObject({ kind: 'timeout', provider: 'volcengine-rtc', code: 'TIMEOUT' });
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a refused connection → network kind, with the system code', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const failure = await failureOf(sendRequest('tencent-im', `http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }, 2000));
  expect(failure).toMatchObject({ kind: 'network', provider: 'tencent-im', code: 'ECONNREFUSED' });
});

test('a connection dropped in the middle of the answer → network kind', async () => {
  route = (req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"partial":');
    later(20, () => req.socket.destroy());
  };
  const failure = await failureOf(sendRequest('tencent-im', `${base}/drop`, { method: 'POST', body: '{}' }, 2000));
  expect(failure).toMatchObject({ kind: 'network', provider: 'tencent-im', code: 'ECONNRESET' });
});

test('an https: URL is called over TLS', async () => {
  // A raw TCP server: the first byte a TLS client sends is a handshake record (0x16).
  const firstBytes: number[] = [];
  const raw = createNetServer((socket) => {
    socket.once('data', (data: Buffer) => {
      firstBytes.push(data[0]!);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  try {
    const failure = await failureOf(
      sendRequest('tencent-im', `https://127.0.0.1:${(raw.address() as AddressInfo).port}/`, { method: 'POST', body: '{}' }, 2000),
    );
    expect(failure).toMatchObject({ kind: 'network', provider: 'tencent-im' });
    expect(firstBytes).toEqual([0x16]);
  } finally {
    await new Promise((resolve) => raw.close(resolve));
  }
});
