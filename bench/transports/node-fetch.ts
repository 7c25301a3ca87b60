import http from 'node:http';
import https from 'node:https';
import fetch from 'node-fetch';
import type { Transport } from '#lib/upstream/transport.ts';

// Bench variant: node-fetch v3 (fetch's API on node:http), with keep-alive agents.

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export const transport: Transport = async (url, { method, headers, body, signal }) => {
  const response = await fetch(url, {
    method,
    headers,
    body: body ?? null,
    signal,
    agent: (target) => (target.protocol === 'https:' ? agents.https : agents.http),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
