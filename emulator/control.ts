import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackOutcome } from './callbacks.ts';
import type { EmulatorContext, EmulatorLimits } from './context.ts';
import type { EmulatorCredentials } from './credentials.ts';
import { parseJson, send } from './http.ts';
import { destroyGroup, endRoom, joinGroup, joinRoom, leaveGroup, leaveRoom, putGroup, putRoom } from './lifecycle.ts';
import { currentOnlineCount, MAX_GROUP_MEMBERS, parseGroupSpec } from './state.ts';
import { parseFault } from './traffic.ts';

// The /_emulator control API (docs/EMULATOR.md): what tests, the local stack and users drive the
// emulator with. Never counted in the stats: it is not an upstream call.

/** The body of PUT /_emulator/credentials: the fields given replace the current ones. */
export interface CredentialsChange {
  tencent?: Partial<EmulatorCredentials['tencent']>;
  volc?: Partial<EmulatorCredentials['volc']>;
}

const decode = (segment: string | undefined): string => decodeURIComponent(segment ?? '');
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
/** Volcengine's user and room ID characters. */
const RTC_ID = /^[a-zA-Z0-9_@\-.]{1,128}$/;

export const serveControl = async (context: EmulatorContext, req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
  const { state, traffic } = context;
  const path = url.pathname.slice('/_emulator'.length);
  const method = req.method ?? 'GET';
  const json = parseJson(body);
  const group = /^\/tencent\/groups\/([^/]+)$/.exec(path);
  const groupAction = /^\/tencent\/groups\/([^/]+)\/(join|leave|messages)$/.exec(path);
  const room = /^\/volc\/apps\/([^/]+)\/rooms\/([^/]+)$/.exec(path);
  const roomAction = /^\/volc\/apps\/([^/]+)\/rooms\/([^/]+)\/(join|leave|messages)$/.exec(path);
  if (method === 'POST' && path === '/reset') {
    state.reset();
    traffic.reset();
    context.callbacks.reset();
    return send(res, 200, { reset: true });
  }
  if (method === 'GET' && path === '/stats') return send(res, 200, traffic.snapshot());
  if (method === 'GET' && path === '/health') return send(res, 200, { ok: true });
  if (method === 'GET' && path === '/callbacks') return send(res, 200, { callbacks: context.callbacks.log() });
  if (method === 'PUT' && path === '/callbacks/targets') {
    const urls = parseCallbackTargets(json);
    if (typeof urls === 'string') return send(res, 400, { error: urls });
    const targets = context.callbacks.retarget(urls);
    return send(res, 200, { tencentUrl: targets.tencentUrl ?? null, volcUrl: targets.volcUrl ?? null });
  }
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
    // Many groups at once, for discovery paging and load: { "prefix": "LOAD", "count": 2000, "type": "AVChatRoom", "onlineCount": 10 }.
    // No creation callbacks unless asked ("callbacks": true): thousands of them would flood a receiver.
    const spec = (json ?? {}) as { prefix?: unknown; count?: unknown; type?: unknown; onlineCount?: unknown; fluctuate?: unknown; callbacks?: unknown };
    const count = Number(spec.count);
    const prefix = String(spec.prefix ?? 'BULK');
    if (!Number.isInteger(count) || count < 1 || count > 200_000 || !/^[A-Za-z0-9]{1,20}$/.test(prefix)) {
      return send(res, 400, { error: 'count must be 1-200000 and prefix 1-20 letters or digits' });
    }
    const ids: string[] = [];
    const callbacks: CallbackOutcome[] = [];
    for (let index = 0; index < count; index += 1) {
      const groupId = `@TGS#a${prefix}${index}`;
      const parsed = parseGroupSpec(groupId, {
        type: spec.type ?? 'AVChatRoom',
        onlineCount: spec.onlineCount ?? index % 1000,
        fluctuate: spec.fluctuate === true,
      });
      if (typeof parsed === 'string') return send(res, 400, { error: parsed });
      callbacks.push(...(await putGroup(context, parsed, { callbacks: spec.callbacks === true })).callbacks);
      ids.push(groupId);
    }
    return send(res, 200, { created: count, first: ids[0], last: ids[ids.length - 1], ...(spec.callbacks === true ? { callbacks } : {}) });
  }
  if (group && method === 'PUT') {
    const groupId = decode(group[1]);
    const spec = parseGroupSpec(groupId, json);
    if (typeof spec === 'string') return send(res, 400, { error: spec });
    const { result, callbacks } = await putGroup(context, spec);
    return send(res, 200, {
      groupId,
      type: spec.type,
      memberCount: spec.members.length,
      onlineCount: spec.baseOnlineCount,
      created: result.created,
      callbacks,
    });
  }
  if (group && method === 'GET') {
    const found = state.groups.get(decode(group[1]));
    if (!found) return send(res, 404, { error: 'no such group' });
    return send(res, 200, {
      groupId: found.groupId,
      type: found.type,
      name: found.name,
      admins: [...found.admins],
      memberCount: found.members.length,
      onlineCount: currentOnlineCount(found, context.clock()),
      onlineMembers: found.members.filter((member) => member.online).length,
    });
  }
  if (group && method === 'DELETE') {
    const destroyed = await destroyGroup(context, decode(group[1]));
    if (!destroyed) return send(res, 404, { error: 'no such group' });
    return send(res, 200, { groupId: destroyed.result.groupId, destroyed: true, callbacks: destroyed.callbacks });
  }
  if (groupAction && groupAction[2] === 'messages' && method === 'GET') {
    const groupId = decode(groupAction[1]);
    return send(res, 200, { groupId, messages: state.groupMessagesOf(groupId) });
  }
  if (groupAction && method === 'POST') {
    const groupId = decode(groupAction[1]);
    const request = isObject(json) ? json : {};
    const { account, nickName, avatar } = request;
    if (typeof account !== 'string' || account === '') return send(res, 400, { error: 'account must be a non-empty string' });
    if ((nickName !== undefined && typeof nickName !== 'string') || (avatar !== undefined && typeof avatar !== 'string')) {
      return send(res, 400, { error: 'nickName and avatar must be strings' });
    }
    const found = state.groups.get(groupId);
    if (!found) return send(res, 404, { error: 'no such group' });
    if (groupAction[2] === 'join') {
      const isMember = found.members.some((member) => member.Member_Account === account);
      if (!isMember && found.members.length >= MAX_GROUP_MEMBERS) return send(res, 409, { error: `a group has at most ${MAX_GROUP_MEMBERS} members` });
      const { result, callbacks } = await joinGroup(context, found, account, {
        ...(nickName === undefined ? {} : { nickName }),
        ...(avatar === undefined ? {} : { avatar }),
      });
      return send(res, 200, { groupId, ...result, online: true, callbacks });
    }
    const left = await leaveGroup(context, found, account);
    if (!left) return send(res, 404, { error: `${account} is not a member of the group` });
    return send(res, 200, { groupId, ...left.result, online: false, callbacks: left.callbacks });
  }
  if (room && method === 'PUT') {
    const spec = (json ?? {}) as { visibleUsers?: unknown; invisibleUsers?: unknown };
    const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    const { result, callbacks } = await putRoom(context, decode(room[1]), decode(room[2]), {
      visibleUsers: list(spec.visibleUsers),
      invisibleUsers: list(spec.invisibleUsers),
    });
    return send(res, 200, { ok: true, created: result.created, callbacks });
  }
  if (room && method === 'DELETE') {
    const [appId, roomId] = [decode(room[1]), decode(room[2])];
    const ended = await endRoom(context, appId, roomId);
    if (!ended) return send(res, 404, { error: 'no such room' });
    return send(res, 200, { appId, roomId, ended: true, callbacks: ended.callbacks });
  }
  if (roomAction && roomAction[3] === 'messages' && method === 'GET') {
    const [appId, roomId] = [decode(roomAction[1]), decode(roomAction[2])];
    return send(res, 200, { appId, roomId, messages: state.roomMessagesOf(appId, roomId) });
  }
  if (roomAction && method === 'POST') {
    const [appId, roomId] = [decode(roomAction[1]), decode(roomAction[2])];
    const request = isObject(json) ? json : {};
    const { userId, visible } = request;
    if (typeof userId !== 'string' || !RTC_ID.test(userId)) return send(res, 400, { error: 'userId must be 1-128 characters of [a-zA-Z0-9_@-.]' });
    if (visible !== undefined && typeof visible !== 'boolean') return send(res, 400, { error: 'visible must be true or false' });
    if (roomAction[3] === 'join') {
      if (!RTC_ID.test(roomId)) return send(res, 400, { error: 'roomId must be 1-128 characters of [a-zA-Z0-9_@-.]' });
      const { result, callbacks } = await joinRoom(context, appId, roomId, userId, visible ?? true);
      return send(res, 200, { appId, roomId, ...result, callbacks });
    }
    const left = await leaveRoom(context, appId, roomId, userId);
    if (!left) return send(res, 404, { error: `${userId} is not in the room` });
    return send(res, 200, { appId, roomId, ...left.result, callbacks: left.callbacks });
  }
  if (path === '/credentials' && method === 'PUT') {
    // Rotation: what the emulator verifies, signs callbacks with and serves from Secrets Manager change together.
    const change = (json ?? {}) as CredentialsChange;
    const { credentials } = context;
    context.credentials = { tencent: { ...credentials.tencent, ...change.tencent }, volc: { ...credentials.volc, ...change.volc } };
    return send(res, 200, { rotated: true });
  }
  if (path === '/limits' && method === 'PUT') {
    const change = (json ?? {}) as Partial<EmulatorLimits>;
    for (const key of ['tencentPerSecond', 'volcPerSecond', 'volcBroadcastPerSecond'] as const) {
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

/** `{ "tencentUrl"?: "http://...", "volcUrl"?: "http://..." }`; an error message for anything else. */
const parseCallbackTargets = (json: unknown): { tencentUrl?: string; volcUrl?: string } | string => {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'the targets are a JSON object';
  const urls: { tencentUrl?: string; volcUrl?: string } = {};
  for (const [key, value] of Object.entries(json)) {
    if (key !== 'tencentUrl' && key !== 'volcUrl') return `${key} is not a callback target (tencentUrl, volcUrl)`;
    if (value === null) continue;
    if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/.test(value)) return `${key} must be an http(s) URL or null`;
    urls[key] = value;
  }
  return urls;
};
