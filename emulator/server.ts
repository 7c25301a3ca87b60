import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EmulatorCredentials, LOCAL_SECRET_NAMES, credentialsFromEnv } from './credentials.ts';
import { EmulatorState, parseGroupSpec } from './state.ts';
import { TENCENT_PATHS, checkCommonParameters, failure, handleTencentApi } from './tencent.ts';
import { type Target, Traffic, parseFault } from './traffic.ts';
import { type VolcAnswer, getRoomOnlineUsers, verifyVolcSignature, volcError } from './volc.ts';

// One HTTP server for the emulated Tencent Chat, Volcengine RTC and Secrets Manager endpoints
// plus the /_emulator control API (see docs/EMULATOR.md).

export interface EmulatorLimits {
  tencentPerSecond: number;
  volcPerSecond: number;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  credentials?: EmulatorCredentials;
  limits?: Partial<EmulatorLimits>;
  clock?: () => number;
  /** Called for each upstream call, for a request log. */
  onCall?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  state: EmulatorState;
  traffic: Traffic;
  credentials: () => EmulatorCredentials;
  close: () => Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
};

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

// Unref'd: an injected delay must not keep a finished process alive.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

const secretArnName = (secretId: string): string => {
  // arn:aws:secretsmanager:region:account:secret:NAME-AbCdEf
  const match = /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(secretId);
  return match?.[1] ?? secretId;
};

export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const clock = options.clock ?? Date.now;
  const state = new EmulatorState();
  const traffic = new Traffic(clock);
  let credentials = options.credentials ?? credentialsFromEnv();
  const limits: EmulatorLimits = { tencentPerSecond: 200, volcPerSecond: 40, ...options.limits };

  const secretValues = (): Record<string, string> => ({
    [LOCAL_SECRET_NAMES.tencent]: JSON.stringify(credentials.tencent),
    [LOCAL_SECRET_NAMES.volc]: JSON.stringify(credentials.volc),
  });

  /** Applies an injected fault: waits, then answers for it if it carries an error. Returns true when answered. */
  const applyFault = async (target: Target, api: string, res: ServerResponse, answerWithCode: (code: number) => void): Promise<boolean> => {
    const fault = traffic.takeFault(target, api);
    if (!fault) return false;
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (res.destroyed) return true;
    if (fault.httpStatus) {
      traffic.recordRejection(api, fault.httpStatus);
      send(res, fault.httpStatus, `<html><body>${fault.httpStatus} injected by the emulator</body></html>`);
      return true;
    }
    if (fault.errorCode) {
      traffic.recordRejection(api, fault.errorCode);
      answerWithCode(fault.errorCode);
      return true;
    }
    return false;
  };

  const tencent = async (api: string, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
    const answer = (payload: Record<string, unknown>) => {
      if (payload.ErrorCode) traffic.recordRejection(api, payload.ErrorCode as number);
      send(res, 200, payload);
    };
    const inLastSecond = traffic.recordCall(api);
    if (await applyFault('tencent', api, res, (code) => send(res, 200, failure(code, 'fault injected by the emulator')))) return;
    if (inLastSecond > limits.tencentPerSecond) return answer(failure(60007, 'REST API call frequency exceeds the limit'));
    const rejected = checkCommonParameters(url.searchParams, credentials.tencent, Math.floor(clock() / 1000));
    if (rejected) return answer(rejected);
    const parsed = parseJson(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return answer(failure(60003, 'the request body is not a JSON object'));
    answer(handleTencentApi(api, state, parsed as Record<string, unknown>, clock()));
  };

  const volc = async (req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID().replace(/-/g, '').toUpperCase();
    const action = url.searchParams.get('Action') ?? '';
    const version = url.searchParams.get('Version') ?? '';
    const api = action || 'GetRoomOnlineUsers';
    const answer = ({ status, body: payload }: VolcAnswer) => {
      const error = (payload.ResponseMetadata as { Error?: { Code: string; CodeN?: number } }).Error;
      if (error) traffic.recordRejection(api, error.CodeN ?? error.Code);
      send(res, status, payload);
    };
    const inLastSecond = traffic.recordCall(api);
    const injected = (code: number) => answer(code === 100018 || code === 429
      ? volcError(429, 'FlowLimitExceeded', 100018, 'Request was denied due to request throttling.', requestId, action, version)
      : volcError(code >= 100000 && code < 100100 && code !== 100014 && code !== 100016 ? 401 : 500,
        code === 100014 ? 'InternalError' : code === 100010 ? 'SignatureDoesNotMatch' : code === 100009 ? 'InvalidAccessKey' : 'InternalError',
        code, 'fault injected by the emulator', requestId, action, version));
    if (await applyFault('volc', api, res, injected)) return;
    if (inLastSecond > limits.volcPerSecond) {
      return answer(volcError(429, 'FlowLimitExceeded', 100018, 'Request was denied due to request throttling.', requestId, action, version));
    }
    if (!action || !version) {
      return answer(volcError(400, 'MissingParameter', 100002, `The request is missing ${action ? 'Version' : 'Action'} parameter.`, requestId, action, version));
    }
    if (action !== 'GetRoomOnlineUsers' || version !== '2023-08-01') {
      return answer(volcError(404, 'InvalidActionOrVersion', 100008, `Could not find operation ${action} for version ${version}.`, requestId, action, version));
    }
    const signatureProblem = verifyVolcSignature(
      { method: req.method ?? 'GET', pathname: url.pathname, query: url.searchParams, headers: req.headers, body },
      credentials.volc, clock(), requestId,
    );
    if (signatureProblem) return answer(signatureProblem);
    answer(getRoomOnlineUsers(state, url.searchParams, new Set([credentials.volc.rtcAppId]), requestId));
  };

  const secretsManager = async (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    const reply = (status: number, payload: unknown) => send(res, status, payload, { 'content-type': 'application/x-amz-json-1.1' });
    if (operation !== 'GetSecretValue') return reply(400, { __type: 'InvalidRequestException', message: `${operation} is not emulated` });
    traffic.recordCall('GetSecretValue');
    const unavailable = (code: number) => reply(code >= 500 ? code : 500, { __type: 'InternalServiceError', message: 'fault injected by the emulator' });
    if (await applyFault('secrets', 'GetSecretValue', res, unavailable)) return;
    const request = parseJson(body) as { SecretId?: unknown } | undefined;
    const secretId = typeof request?.SecretId === 'string' ? request.SecretId : '';
    const name = secretArnName(secretId);
    const value = secretValues()[name];
    if (value === undefined) {
      traffic.recordRejection('GetSecretValue', 'ResourceNotFoundException');
      return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    reply(200, {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-Local0`,
      Name: name,
      SecretString: value,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Math.floor(clock() / 1000),
    });
  };

  const control = async (req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
    const path = url.pathname.slice('/_emulator'.length);
    const method = req.method ?? 'GET';
    const json = parseJson(body);
    const group = /^\/tencent\/groups\/([^/]+)$/.exec(path);
    const room = /^\/volc\/apps\/([^/]+)\/rooms\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/reset') {
      state.reset();
      traffic.reset();
      return send(res, 200, { reset: true });
    }
    if (method === 'GET' && path === '/stats') return send(res, 200, traffic.snapshot());
    if (method === 'GET' && path === '/health') return send(res, 200, { ok: true });
    if (path === '/faults' && method === 'POST') {
      const fault = parseFault(json);
      if (typeof fault === 'string') return send(res, 400, { error: fault });
      traffic.addFault(fault);
      return send(res, 201, { ...fault, times: Number.isFinite(fault.times) ? fault.times : null });
    }
    if (path === '/faults' && method === 'DELETE') {
      traffic.clearFaults();
      return send(res, 200, { cleared: true });
    }
    if (path === '/tencent/groups' && method === 'POST') {
      // Many groups at once, for discovery paging and load: { "prefix": "LOAD", "count": 2000, "type": "AVChatRoom", "onlineCount": 10 }
      const spec = (json ?? {}) as { prefix?: unknown; count?: unknown; type?: unknown; onlineCount?: unknown; fluctuate?: unknown };
      const count = Number(spec.count);
      const prefix = String(spec.prefix ?? 'BULK');
      if (!Number.isInteger(count) || count < 1 || count > 200_000 || !/^[A-Za-z0-9]{1,20}$/.test(prefix)) {
        return send(res, 400, { error: 'count must be 1-200000 and prefix 1-20 letters or digits' });
      }
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const groupId = `@TGS#a${prefix}${index}`;
        const parsed = parseGroupSpec(groupId, { type: spec.type ?? 'AVChatRoom', onlineCount: spec.onlineCount ?? index % 1000, fluctuate: spec.fluctuate === true });
        if (typeof parsed === 'string') return send(res, 400, { error: parsed });
        state.putGroup(parsed);
        ids.push(groupId);
      }
      return send(res, 200, { created: count, first: ids[0], last: ids[ids.length - 1] });
    }
    if (group && method === 'PUT') {
      const groupId = decodeURIComponent(group[1] as string);
      const spec = parseGroupSpec(groupId, json);
      if (typeof spec === 'string') return send(res, 400, { error: spec });
      state.putGroup(spec);
      return send(res, 200, { groupId, type: spec.type, memberCount: spec.members.length });
    }
    if (group && method === 'GET') {
      const found = state.groups.get(decodeURIComponent(group[1] as string));
      if (!found) return send(res, 404, { error: 'no such group' });
      return send(res, 200, { groupId: found.groupId, type: found.type, admins: [...found.admins], memberCount: found.members.length });
    }
    if (room && method === 'PUT') {
      const spec = (json ?? {}) as { visibleUsers?: unknown; invisibleUsers?: unknown };
      const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
      state.putRoom(decodeURIComponent(room[1] as string), decodeURIComponent(room[2] as string), { visibleUsers: list(spec.visibleUsers), invisibleUsers: list(spec.invisibleUsers) });
      return send(res, 200, { ok: true });
    }
    if (path === '/credentials' && method === 'PUT') {
      // Rotation: what the emulator verifies and what its Secrets Manager serves change together.
      const change = (json ?? {}) as { tencent?: Partial<EmulatorCredentials['tencent']>; volc?: Partial<EmulatorCredentials['volc']> };
      credentials = { tencent: { ...credentials.tencent, ...change.tencent }, volc: { ...credentials.volc, ...change.volc } };
      return send(res, 200, { rotated: true });
    }
    if (path === '/limits' && method === 'PUT') {
      const change = (json ?? {}) as Partial<EmulatorLimits>;
      for (const key of ['tencentPerSecond', 'volcPerSecond'] as const) {
        const value = change[key];
        if (value !== undefined) {
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return send(res, 400, { error: `${key} must be a positive integer` });
          limits[key] = value;
        }
      }
      return send(res, 200, limits);
    }
    send(res, 404, { error: `no control route ${method} ${url.pathname}` });
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator.local');
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, { error: 'body too large' });
      options.onCall?.(`${req.method} ${url.pathname}`);
      const tencentApi = TENCENT_PATHS[url.pathname];
      if (tencentApi && req.method === 'POST') return tencent(tencentApi, url, body, res);
      if (url.pathname.startsWith('/_emulator/')) return control(req, url, body, res);
      if (url.pathname === '/' && req.headers['x-amz-target']) return secretsManager(req, body, res);
      if (url.pathname === '/' && url.searchParams.has('Action')) return volc(req, url, body, res);
      send(res, 404, { error: `nothing is emulated at ${req.method} ${url.pathname}` });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    traffic,
    credentials: () => credentials,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
