import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '#lib/sleep.ts';

// An HTTP relay in front of a real server (dynalite) that can fail or delay the next requests,
// for the outages the real server cannot produce by itself.

export interface FaultProxy {
  url: string;
  /** The next `count` requests answer `status` with an AWS JSON error (of `errorType`) instead of being relayed. */
  failNext: (count: number, status?: number, errorType?: string) => void;
  failuresLeft: () => number;
  /** Requests are held this long before being relayed. */
  delay: (ms: number) => void;
  relayed: () => number;
  close: () => Promise<void>;
}

export const startFaultProxy = async (targetUrl: string): Promise<FaultProxy> => {
  let failures = 0;
  let failStatus = 503;
  let failType: string | undefined;
  let delayMs = 0;
  let relayedCount = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      // Control requests, for tests that hold only the URL (the stack's proxy lives in jest's parent).
      if (req.url?.startsWith('/__fault')) {
        const control = new URL(req.url, 'http://proxy');
        if (control.searchParams.has('fail')) {
          failures = Number(control.searchParams.get('fail'));
          failStatus = Number(control.searchParams.get('status') ?? 503);
          failType = undefined;
        }
        if (control.searchParams.has('delay')) delayMs = Number(control.searchParams.get('delay'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ failures, failStatus, delayMs, relayed: relayedCount }));
        return;
      }
      if (failures > 0) {
        failures -= 1;
        res.writeHead(failStatus, { 'content-type': 'application/x-amz-json-1.0' });
        const type = failType ?? (failStatus === 503 ? 'ServiceUnavailable' : 'InternalServerError');
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'injected by the test fault proxy' }));
        return;
      }
      if (delayMs > 0) await sleep(delayMs, { unref: true });
      try {
        const headers = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([name]) => !['host', 'content-length', 'connection'].includes(name))
            .map(([name, value]) => [name, String(value)]),
        );
        const upstream = await fetch(`${targetUrl}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers,
          body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
        });
        relayedCount += 1;
        res.writeHead(
          upstream.status,
          Object.fromEntries(
            [...upstream.headers].filter(([name]) => !['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)),
          ),
        );
        res.end(Buffer.from(await upstream.arrayBuffer()));
      } catch {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext: (count, status = 503, errorType) => {
      failures = count;
      failStatus = status;
      failType = errorType;
    },
    failuresLeft: () => failures,
    delay: (ms) => {
      delayMs = ms;
    },
    relayed: () => relayedCount,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Drives a fault proxy known only by its URL. */
export const proxyControl = (url: string) => ({
  failNext: (count: number, status = 503) => fetch(`${url}/__fault?fail=${count}&status=${status}`, { method: 'POST' }),
  delay: (ms: number) => fetch(`${url}/__fault?delay=${ms}`, { method: 'POST' }),
  reset: () => fetch(`${url}/__fault?fail=0&delay=0`, { method: 'POST' }),
});
