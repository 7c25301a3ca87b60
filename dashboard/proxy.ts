import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { type DashboardFiles, dashboardFileFor, dashboardHeaders } from '#lib/dashboard/site.ts';

// `npm run dashboard`: the dashboard page on 127.0.0.1, and its /v1 calls forwarded to a deployed
// stack with the operator's own authorization (a browser cannot sign SigV4). Only reads are
// forwarded (GET), and only for a page this server gave out: requests must name this server as
// their Host, so a web page on another site cannot reach the stack through it (DNS rebinding).

export type ProxyAuth =
  | { mode: 'iam'; region: string; credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'] }
  | { mode: 'jwt'; token: string }
  | { mode: 'none' };

export interface DashboardProxyOptions {
  /** Base URL of the deployed API, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com (a stage path is kept). */
  api: string;
  auth: ProxyAuth;
  files: DashboardFiles;
  /** 0: any free port. */
  port: number;
}

export interface RunningDashboardProxy {
  url: string;
  close: () => Promise<void>;
}

type SignableRequest = Parameters<SignatureV4['sign']>[0] & { query: Record<string, string | string[]> };

/** The region of an `execute-api` URL (`https://<id>.execute-api.<region>.amazonaws.com[.cn]`), if it is one. */
export const regionOfApiUrl = (api: string): string | undefined => {
  const { hostname } = new URL(api);
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(hostname)?.[1];
};

/** The query as SigV4 wants it: decoded names and values, repeated names as lists; undefined when malformed. */
const parseQuery = (search: string): Record<string, string | string[]> | undefined => {
  const query: Record<string, string | string[]> = {};
  try {
    for (const pair of search.replace(/^\?/, '').split('&')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      const value = decodeURIComponent(at < 0 ? '' : pair.slice(at + 1));
      const seen = query[name];
      query[name] = seen === undefined ? value : [seen, value].flat();
    }
  } catch {
    return undefined;
  }
  return query;
};

/** An error in the contract's shape, so the page shows it as it shows the API's own. */
const sendError = (response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
  const requestId = randomUUID();
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers });
  response.end(JSON.stringify({ error: { code, message, requestId } }));
};

/** Headers of the stack's answer that the page may need; the rest (cookies, hop-by-hop, encodings) stay behind. */
const PASSED_BACK = ['content-type', 'x-request-id', 'retry-after', 'allow', 'www-authenticate'];

export const startDashboardProxy = async (options: DashboardProxyOptions): Promise<RunningDashboardProxy> => {
  const api = new URL(options.api);
  if (api.protocol !== 'https:' && api.protocol !== 'http:') throw new Error(`--api must be an http(s) URL, got ${options.api}`);
  const basePath = api.pathname.replace(/\/+$/, '');
  const signer =
    options.auth.mode === 'iam'
      ? new SignatureV4({ service: 'execute-api', region: options.auth.region, credentials: options.auth.credentials, sha256: Sha256 })
      : undefined;
  let allowedHosts: string[] = [];

  const forward = async (request: IncomingMessage, response: ServerResponse, target: URL): Promise<void> => {
    const path = `${basePath}${target.pathname}`;
    const query = parseQuery(target.search);
    if (!query) return sendError(response, 400, 'INVALID_ARGUMENT', 'The query string is not valid percent-encoding.');
    const headers: Record<string, string> = { host: api.host, accept: 'application/json' };
    const requestId = request.headers['x-request-id'];
    if (typeof requestId === 'string') headers['x-request-id'] = requestId;
    if (options.auth.mode === 'jwt') headers.authorization = `Bearer ${options.auth.token}`;
    let sent = headers;
    if (signer) {
      const signable: SignableRequest = {
        method: 'GET',
        protocol: api.protocol,
        hostname: api.hostname,
        ...(api.port ? { port: Number(api.port) } : {}),
        path,
        query,
        headers,
      };
      sent = (await signer.sign(signable)).headers;
    }
    const { host: _host, ...fetchHeaders } = sent; // fetch sets Host from the URL: the same value
    const upstream = await fetch(`${api.origin}${path}${target.search}`, { headers: fetchHeaders, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const passed: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = upstream.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    const body = Buffer.from(await upstream.arrayBuffer());
    response.writeHead(upstream.status, passed);
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      return sendError(response, 403, 'FORBIDDEN', `This dashboard answers only at ${allowedHosts.join(' or ')}.`);
    }
    const target = new URL(request.url ?? '/', 'http://dashboard.invalid');
    const method = request.method ?? 'GET';
    const file = dashboardFileFor(target.pathname);
    if (file) {
      if (method !== 'GET' && method !== 'HEAD') return sendError(response, 405, 'METHOD_NOT_ALLOWED', 'This path accepts GET only.', { allow: 'GET' });
      response.writeHead(200, dashboardHeaders(file));
      response.end(method === 'HEAD' ? undefined : options.files[file]);
      return;
    }
    if (!target.pathname.startsWith('/v1/')) return sendError(response, 404, 'NOT_FOUND', 'No such route.');
    if (method !== 'GET') {
      return sendError(response, 405, 'METHOD_NOT_ALLOWED', 'The dashboard forwards reads (GET) only.', { allow: 'GET' });
    }
    try {
      await forward(request, response, target);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendError(response, 502, 'UPSTREAM_ERROR', `The dashboard could not call ${api.origin}: ${reason}`);
    }
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'INTERNAL', 'The dashboard failed to answer.');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
