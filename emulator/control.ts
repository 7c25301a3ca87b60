import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, EmulatorLimits } from './context.ts';
import type { EmulatorCredentials } from './credentials.ts';
import { parseJson, send } from './http.ts';
import { parseGroupSpec } from './state.ts';
import { parseFault } from './traffic.ts';

// The /_emulator control API (docs/EMULATOR.md): what tests, the local stack and users drive the
// emulator with. Never counted in the stats: it is not an upstream call.

/** The body of PUT /_emulator/credentials: the fields given replace the current ones. */
export interface CredentialsChange {
  tencent?: Partial<EmulatorCredentials['tencent']>;
  volc?: Partial<EmulatorCredentials['volc']>;
}

export const serveControl = async (context: EmulatorContext, req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
  const { state, traffic } = context;
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
    // JSON has no Infinity: an unlimited fault reads back as times: null.
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
    const change = (json ?? {}) as CredentialsChange;
    const { credentials } = context;
    context.credentials = { tencent: { ...credentials.tencent, ...change.tencent }, volc: { ...credentials.volc, ...change.volc } };
    return send(res, 200, { rotated: true });
  }
  if (path === '/limits' && method === 'PUT') {
    const change = (json ?? {}) as Partial<EmulatorLimits>;
    for (const key of ['tencentPerSecond', 'volcPerSecond'] as const) {
      const value = change[key];
      if (value !== undefined) {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return send(res, 400, { error: `${key} must be a positive integer` });
        context.limits[key] = value;
      }
    }
    return send(res, 200, context.limits);
  }
  send(res, 404, { error: `no control route ${method} ${url.pathname}` });
};
