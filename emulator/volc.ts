import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { computeSignature, type QueryValue, sha256Hex } from '#lib/volc/signer.ts';
import type { EmulatorContext } from './context.ts';
import type { EmulatorCredentials } from './credentials.ts';
import { applyFault } from './fault-injection.ts';
import { parseJson, send } from './http.ts';
import type { EmulatorState } from './state.ts';
import { metadata, type VolcAnswer, volcError } from './volc-answers.ts';
import { sendBroadcast } from './volc-broadcast.ts';

// Volcengine RTC GetRoomOnlineUsers and SendBroadcast, and the OpenAPI signature check in front
// of them. Errors are ResponseMetadata.Error {Code, CodeN, Message} with a non-200 HTTP status.

/** The emulated operations and their one version each. */
const OPERATIONS: Record<string, string> = { GetRoomOnlineUsers: '2023-08-01', SendBroadcast: '2023-07-20' };

const MAX_SKEW_MS = 15 * 60 * 1000;
const INVISIBLE_LIST_CAP = 10_000;

const throttled = (requestId: string, action: string, version: string): VolcAnswer =>
  volcError(429, 'FlowLimitExceeded', 100018, 'Request was denied due to request throttling.', requestId, action, version);

// Injected gateway codes (1000xx) answer 401, as the authentication failures most of them are;
// 100014 and 100016 are not authentication failures and answer 500, as other codes do.
const isAuthenticationCode = (code: number): boolean => code >= 100000 && code < 100100 && code !== 100014 && code !== 100016;
const INJECTED_CODE_NAMES: Record<number, string> = { 100009: 'InvalidAccessKey', 100010: 'SignatureDoesNotMatch' };

/** An injected error code, answered with the status and Code Volcengine sends with it. */
export const volcFaultAnswer = (code: number, requestId: string, action: string, version: string): VolcAnswer => {
  if (code === 100018 || code === 429) return throttled(requestId, action, version);
  return volcError(
    isAuthenticationCode(code) ? 401 : 500,
    INJECTED_CODE_NAMES[code] ?? 'InternalError',
    code,
    'fault injected by the emulator',
    requestId,
    action,
    version,
  );
};

const AUTHORIZATION = /^HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const parseXDate = (value: string): number | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
};

export const queryRecord = (params: URLSearchParams): Record<string, QueryValue> => {
  const record: Record<string, QueryValue> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    record[key] = values.length === 1 ? values[0] : values;
  }
  return record;
};

/** Verifies the Authorization header; returns an error answer, or undefined when the signature holds. */
export const verifyVolcSignature = (
  request: { method: string; pathname: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; body: Buffer },
  credentials: EmulatorCredentials['volc'],
  nowMs: number,
  requestId: string,
): VolcAnswer | undefined => {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const authorization = header('authorization');
  if (!authorization) return volcError(401, 'MissingAuthenticationToken', 100003, 'Request is missing Authentication Token.', requestId);
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return volcError(400, 'InvalidAuthorization', undefined, "Invalid 'Authorization' header, Pls check authorization header.", requestId);
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match as unknown as string[];
  const xDate = header('x-date');
  if (!xDate) return volcError(400, 'MissingRequestInfo', 100004, 'The request is missing X-Date information.', requestId);
  const signedAt = parseXDate(xDate);
  if (signedAt === undefined || Math.abs(nowMs - signedAt) > MAX_SKEW_MS || xDate.slice(0, 8) !== scopeDate) {
    return volcError(403, 'InvalidTimestamp', 100006, 'The Signature of the request is expired.', requestId);
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return volcError(401, 'InvalidAccessKey', 100009, `The accesskey [${accessKeyId}] included in the request is invalid.`, requestId);
  }
  const names = (signedHeaderList as string).split(';');
  const signedHeaders: Record<string, string> = {};
  for (const name of names) {
    const value = header(name);
    if (value === undefined) return volcError(401, 'SignatureDoesNotMatch', 100010, `signed header ${name} is missing`, requestId);
    signedHeaders[name] = value;
  }
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  if (signedHeaders['x-content-sha256'] !== undefined && signedHeaders['x-content-sha256'] !== bodyHash) {
    return volcError(401, 'SignatureDoesNotMatch', 100010, 'X-Content-Sha256 does not match the body', requestId);
  }
  const expected = computeSignature(
    {
      method: request.method,
      pathname: request.pathname,
      query: queryRecord(request.query),
      signedHeaders,
      bodySha256: signedHeaders['x-content-sha256'] ?? sha256Hex(request.body.toString('utf8')),
    },
    credentials.secretAccessKey,
    xDate,
    { region: region as string, service: service as string },
  );
  if (service !== 'rtc' || expected !== signature) {
    return volcError(
      401,
      'SignatureDoesNotMatch',
      100010,
      'The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method.',
      requestId,
    );
  }
  return undefined;
};

export const getRoomOnlineUsers = (state: EmulatorState, query: URLSearchParams, knownAppIds: Set<string>, requestId: string): VolcAnswer => {
  const action = query.get('Action') ?? '';
  const version = query.get('Version') ?? '';
  for (const name of ['AppId', 'RoomId']) {
    if (!query.get(name)) return volcError(400, 'MissingParameter', 100002, `The request is missing ${name} parameter.`, requestId, action, version);
  }
  const appId = query.get('AppId') as string;
  const roomId = query.get('RoomId') as string;
  if (!knownAppIds.has(appId) && !state.rooms.has(appId)) {
    return volcError(400, 'InvalidParameter', undefined, `AppId ${appId} does not belong to this account.`, requestId, action, version);
  }
  const room = state.rooms.get(appId)?.get(roomId);
  const Result = room
    ? {
        RoomExists: true,
        TotalUser: room.visibleUsers.length + room.invisibleUsers.length,
        TotalInvisibleUser: room.invisibleUsers.length,
        VisibleUserList: room.visibleUsers,
        InvisibleUserList: room.invisibleUsers.slice(0, INVISIBLE_LIST_CAP),
      }
    : { RoomExists: false };
  return { status: 200, body: { ResponseMetadata: metadata(requestId, action, version), Result } };
};

/** One OpenAPI call, checked in the order the gateway checks it (docs/EMULATOR.md). */
export const serveVolc = async (context: EmulatorContext, req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
  const { traffic } = context;
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
  // SendBroadcast has a limit of its own, per AppId (from the body); every other call the API's.
  const isBroadcast = action === 'SendBroadcast';
  const inLastSecondForApp = isBroadcast ? traffic.recordKeyed(`SendBroadcast:${broadcastAppId(body)}`) : 0;
  if (await applyFault(traffic, 'volc', api, res, (code) => answer(volcFaultAnswer(code, requestId, action, version)))) return;
  if (isBroadcast ? inLastSecondForApp > context.limits.volcBroadcastPerSecond : inLastSecond > context.limits.volcPerSecond) {
    return answer(throttled(requestId, action, version));
  }
  if (!action || !version) {
    return answer(volcError(400, 'MissingParameter', 100002, `The request is missing ${action ? 'Version' : 'Action'} parameter.`, requestId, action, version));
  }
  if (!Object.hasOwn(OPERATIONS, action) || OPERATIONS[action] !== version) {
    return answer(volcError(404, 'InvalidActionOrVersion', 100008, `Could not find operation ${action} for version ${version}.`, requestId, action, version));
  }
  const { volc: credentials } = context.credentials;
  const signatureProblem = verifyVolcSignature(
    { method: req.method ?? 'GET', pathname: url.pathname, query: url.searchParams, headers: req.headers, body },
    credentials,
    context.clock(),
    requestId,
  );
  if (signatureProblem) return answer(signatureProblem);
  const knownAppIds = new Set([credentials.rtcAppId]);
  if (isBroadcast) return answer(sendBroadcast(context.state, body, knownAppIds, { requestId, action, version, nowMs: context.clock() }));
  answer(getRoomOnlineUsers(context.state, url.searchParams, knownAppIds, requestId));
};

/** The AppId a SendBroadcast body names, for its frequency limit; '' when there is none to read. */
const broadcastAppId = (body: Buffer): string => {
  const parsed = parseJson(body) as { AppId?: unknown } | undefined;
  return typeof parsed?.AppId === 'string' ? parsed.AppId : '';
};
