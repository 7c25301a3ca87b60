import { parseJson } from './http.ts';
import type { EmulatorState } from './state.ts';
import { metadata, type VolcAnswer, volcError } from './volc-answers.ts';

// Volcengine RTC SendBroadcast (version 2023-07-20): a message from the business server to every
// user of a room. The signature and the frequency limit are checked before, in volc.ts.

/** Text and binary messages alike: at most 64 KB (binary: once decoded from base64). */
export const MAX_BROADCAST_BYTES = 64 * 1024;
const FROM_PATTERN = /^[a-zA-Z0-9_@\-.]{1,128}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface BroadcastCall {
  requestId: string;
  action: string;
  version: string;
  nowMs: number;
}

export const sendBroadcast = (state: EmulatorState, rawBody: Buffer, knownAppIds: Set<string>, call: BroadcastCall): VolcAnswer => {
  const { requestId, action, version } = call;
  const missing = (name: string) => volcError(400, 'MissingParameter', 100002, `The request is missing ${name} parameter.`, requestId, action, version);
  const invalid = (message: string) => volcError(400, 'InvalidParameter', undefined, message, requestId, action, version);
  const parsed = parseJson(rawBody);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('The request body must be a JSON object.');
  const body = parsed as Record<string, unknown>;
  for (const name of ['AppId', 'RoomId', 'From', 'Message']) {
    if (body[name] === undefined || body[name] === null || body[name] === '') return missing(name);
  }
  for (const name of ['AppId', 'RoomId', 'From', 'Message']) {
    if (typeof body[name] !== 'string') return invalid(`${name} must be a string.`);
  }
  const appId = body.AppId as string;
  const roomId = body.RoomId as string;
  const message = body.Message as string;
  const from = body.From as string;
  if (!FROM_PATTERN.test(from)) return invalid('From must match [a-zA-Z0-9_@\\-.]{1,128}.');
  if (body.Binary !== undefined && typeof body.Binary !== 'boolean') return invalid('Binary must be true or false.');
  let size: number;
  if (body.Binary === true) {
    if (!BASE64.test(message)) return invalid('Message must be base64 when Binary is true.');
    size = Buffer.from(message, 'base64').length;
  } else {
    size = Buffer.byteLength(message, 'utf8');
  }
  if (size > MAX_BROADCAST_BYTES) return invalid(`Message is ${size} bytes; at most ${MAX_BROADCAST_BYTES} (64 KB) may be sent.`);
  if (!knownAppIds.has(appId) && !state.rooms.has(appId)) return invalid(`AppId ${appId} does not belong to this account.`);
  // A room with nobody in it still takes the broadcast; the log keeps it either way.
  state.addRoomMessage(appId, roomId, { at: new Date(call.nowMs).toISOString(), body });
  return { status: 200, body: { ResponseMetadata: metadata(requestId, action, version), Result: { Message: 'success' } } };
};
