import type { IncomingHttpHeaders } from 'node:http';

// The one HTTP call every upstream request goes through. `sendRequest` (http.ts) owns the time
// budget and turns errors into failure kinds; a transport only sends and reads.
//
// node:http / node:https with keep-alive agents, chosen over the built-in fetch and node-fetch
// by `npm run bench` (bench/ANALYSIS.md): the AWS SDK loads these modules anyway, so a cold
// start's first upstream call loads no further HTTP stack (fetch loads undici and web streams),
// and a warm call costs less.

/** The response headers, read by name (case-insensitive); `Headers` has this shape too. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Aborts the call, including reading the body; the transport then rejects. */
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  /** The whole body, as UTF-8 text. */
  text: string;
}

/** Rejects when the upstream cannot be reached, the connection breaks or `signal` aborts. */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

// Not `import http from 'node:http'`: in Node 22 an ES import of node:http reads every export,
// including the lazy WebSocket, CloseEvent and MessageEvent, and that loads undici and web
// streams (~30 ms of a cold start), the very code this transport avoids. getBuiltinModule
// returns the module without touching those getters.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

// Keep-alive: a warm Lambda reuses its connections (and TLS sessions). Idle sockets are closed
// after 4 s, as undici (fetch) does by default, or earlier when the server announces a shorter
// Keep-Alive timeout (Node's agent honours the hint). A socket the server closed meanwhile fails
// as 'network', which the retry above it covers.
const IDLE_SOCKET_MS = 4000;
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

const headerView = (headers: IncomingHttpHeaders): ResponseHeaders => ({
  get: (name) => {
    const value = headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  },
});

const connectionLost = (): Error => Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' });

/** http: or https: by the URL's protocol (the local emulator is plain HTTP; the upstreams are HTTPS). */
export const transport: Transport = (url, { method, headers, body, signal }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request(target, { method, headers, signal, agent: secure ? agents.https : agents.http }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
      });
      response.on('error', reject);
      // Node also emits 'error' for an answer cut short; this makes sure the promise settles regardless.
      response.on('close', () => {
        if (!response.complete) reject(signal.aborted ? signal.reason : connectionLost());
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: headerView(response.headers), text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
