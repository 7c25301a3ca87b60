import type { IncomingHttpHeaders } from 'node:http';
import type { ResponseHeaders, Transport } from '../../lib/upstream/transport.ts';

// node:http / node:https with keep-alive agents: the modules the AWS SDK loads anyway, so a
// function's first upstream call loads no further HTTP stack.
//
// Not `import http from 'node:http'`: in Node 22 an ES import of node:http reads every export,
// including the lazy WebSocket, CloseEvent and MessageEvent, and that loads undici and web
// streams (~30 ms of a cold start), the very code this transport is here to avoid.
// getBuiltinModule returns the module without touching those getters.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

// Idle sockets are closed after 4 s, as undici (fetch) does by default, or earlier when the
// server announces a shorter Keep-Alive timeout (Node's agent honours the hint). A socket the
// server closed meanwhile fails as 'network', which the retry above covers.
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

export const transport: Transport = (url, { method, headers, body, signal }) => new Promise((resolve, reject) => {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const request = (secure ? https : http).request(target, { method, headers, signal, agent: secure ? agents.https : agents.http }, (response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => { chunks.push(chunk); });
    response.on('error', reject);
    response.on('close', () => { if (!response.complete) reject(signal.aborted ? signal.reason : connectionLost()); });
    response.on('end', () => {
      resolve({ status: response.statusCode ?? 0, headers: headerView(response.headers), text: Buffer.concat(chunks).toString('utf8') });
    });
  });
  request.on('error', reject);
  request.end(body);
});
