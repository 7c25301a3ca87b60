import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for an app's callback endpoint: records every request the emulator sends it and
// answers as the test scripts it (a status per request, or no answer at all).

export interface ReceivedCallback {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
  body: Record<string, any>;
  receivedAt: number;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedCallback[];
  /** Statuses for the next requests, in order; after them every request answers `then`. 'hang' never answers. */
  script: (statuses: Array<number | 'hang'>, then?: number | 'hang') => void;
  clear: () => void;
  close: () => Promise<void>;
}

export const startCallbackReceiver = async (): Promise<CallbackReceiver> => {
  let queue: Array<number | 'hang'> = [];
  let fallback: number | 'hang' = 200;
  const received: ReceivedCallback[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(text) as Record<string, any>;
      } catch {
        // kept as text
      }
      received.push({ path: url.pathname, query: url.searchParams, headers: req.headers, text, body, receivedAt: Date.now() });
      const answer = queue.shift() ?? fallback;
      if (answer === 'hang') return; // the emulator's attempt times out; closeAllConnections ends it
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    script: (statuses, then = 200) => {
      queue = [...statuses];
      fallback = then;
    },
    clear: () => {
      received.length = 0;
      queue = [];
      fallback = 200;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
