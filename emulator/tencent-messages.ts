import type { EmulatorState } from './state.ts';
import { failure, isAnswer, isJsonObject, lookupGroup, nonNegativeInteger, ok, stringArray, type TencentAnswer, UINT32_MAX } from './tencent-common.ts';

// send_group_msg (Tencent Chat "Sending Ordinary Messages in a Group" and "Message Formats"):
// the body rules a real group would reject with 10004, the 12 KB message limit, and the
// five-minute de-duplication by Random.

/** Tencent limits a message to 12 KB; measured here on the MsgBody as UTF-8 JSON. */
export const MAX_MESSAGE_BYTES = 12 * 1024;
/** Two messages in one group with the same Random within this window are the same message. */
export const DUPLICATE_WINDOW_SECONDS = 5 * 60;

const PRIORITIES = new Set(['High', 'Normal', 'Low', 'Lowest']);
const SEND_MSG_CONTROLS = new Set(['NoUnread', 'NoLastMsg', 'WithMuteNotifications']);
const FORBID_CALLBACK_CONTROLS = new Set(['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback']);

type FieldRule = 'string' | 'number' | 'integer' | 'array';
const holds = (value: unknown, rule: FieldRule): boolean => {
  switch (rule) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
  }
};

/** The message elements Tencent documents, with their required (and typed optional) MsgContent fields. */
const ELEMENTS: Record<string, { required: Record<string, FieldRule>; optional?: Record<string, FieldRule> }> = {
  TIMTextElem: { required: { Text: 'string' } },
  TIMCustomElem: { required: { Data: 'string' }, optional: { Desc: 'string', Ext: 'string', Sound: 'string' } },
  TIMFaceElem: { required: { Index: 'integer' }, optional: { Data: 'string' } },
  TIMLocationElem: { required: { Desc: 'string', Latitude: 'number', Longitude: 'number' } },
  TIMSoundElem: { required: { Url: 'string', Size: 'integer', Second: 'integer' } },
  TIMImageElem: { required: { UUID: 'string', ImageInfoArray: 'array' } },
  TIMFileElem: { required: { Url: 'string', FileSize: 'integer', FileName: 'string' } },
  TIMVideoFileElem: { required: { VideoUrl: 'string', ThumbUrl: 'string' } },
};

/** Why the element is not one Tencent accepts, or undefined when it is. */
const elementProblem = (element: unknown, index: number): string | undefined => {
  if (!isJsonObject(element)) return `MsgBody[${index}] must be an object with MsgType and MsgContent`;
  const kind = typeof element.MsgType === 'string' ? ELEMENTS[element.MsgType] : undefined;
  if (!kind) return `MsgBody[${index}].MsgType is not a known message element type`;
  const content = element.MsgContent;
  if (!isJsonObject(content)) return `MsgBody[${index}].MsgContent must be an object`;
  for (const [field, rule] of Object.entries(kind.required)) {
    if (!holds(content[field], rule)) return `MsgBody[${index}].MsgContent.${field} is required (${rule}) for ${element.MsgType as string}`;
  }
  for (const [field, rule] of Object.entries(kind.optional ?? {})) {
    if (content[field] !== undefined && !holds(content[field], rule)) return `MsgBody[${index}].MsgContent.${field} must be a ${rule}`;
  }
  return undefined;
};

/** Why the body is not a message Tencent accepts (10004), or undefined when it is. */
const bodyProblem = (body: Record<string, unknown>): string | undefined => {
  if (body.Random === undefined) return 'Random is required';
  if (!nonNegativeInteger(body.Random, UINT32_MAX)) return 'Random must be an integer from 0 to 4294967295';
  const msgBody = body.MsgBody;
  if (!Array.isArray(msgBody) || msgBody.length === 0) return 'MsgBody must be a non-empty list of message elements';
  for (const [index, element] of msgBody.entries()) {
    const problem = elementProblem(element, index);
    if (problem) return problem;
  }
  if (msgBody.filter((element) => (element as { MsgType: string }).MsgType === 'TIMCustomElem').length > 1) {
    return 'a message may hold only one TIMCustomElem';
  }
  if (Buffer.byteLength(JSON.stringify(msgBody)) > MAX_MESSAGE_BYTES) return `the message body exceeds ${MAX_MESSAGE_BYTES} bytes (12 KB)`;
  if (body.MsgPriority !== undefined && !PRIORITIES.has(body.MsgPriority as string)) return 'MsgPriority must be High, Normal, Low or Lowest';
  if (body.From_Account !== undefined && (typeof body.From_Account !== 'string' || body.From_Account === '')) return 'From_Account must be a non-empty account';
  const controls = body.SendMsgControl;
  if (controls !== undefined && (!stringArray(controls) || controls.some((control) => !SEND_MSG_CONTROLS.has(control)))) {
    return 'SendMsgControl may list only NoUnread, NoLastMsg and WithMuteNotifications';
  }
  const forbid = body.ForbidCallbackControl;
  if (forbid !== undefined && (!stringArray(forbid) || forbid.some((control) => !FORBID_CALLBACK_CONTROLS.has(control)))) {
    return 'ForbidCallbackControl may list only ForbidBeforeSendMsgCallback and ForbidAfterSendMsgCallback';
  }
  const push = body.OfflinePushInfo;
  if (push !== undefined) {
    if (!isJsonObject(push)) return 'OfflinePushInfo must be an object';
    if (push.PushFlag !== undefined && push.PushFlag !== 0 && push.PushFlag !== 1) return 'OfflinePushInfo.PushFlag must be 0 (push) or 1 (do not push)';
    for (const field of ['Title', 'Desc', 'Ext']) {
      if (push[field] !== undefined && typeof push[field] !== 'string') return `OfflinePushInfo.${field} must be a string`;
    }
  }
  if (body.CloudCustomData !== undefined && typeof body.CloudCustomData !== 'string') return 'CloudCustomData must be a string';
  for (const flag of ['OnlineOnlyFlag', 'SupportMessageExtension']) {
    if (body[flag] !== undefined && body[flag] !== 0 && body[flag] !== 1) return `${flag} must be 0 or 1`;
  }
  return undefined;
};

export const sendGroupMsg = (state: EmulatorState, body: Record<string, unknown>, nowMs: number): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  const problem = bodyProblem(body);
  if (problem) return failure(10004, problem);
  const random = body.Random as number;
  const nowSeconds = Math.floor(nowMs / 1000);
  // A resend (same Random within five minutes) is the same message: answered as the first, stored once.
  const log = state.groupMessagesOf(group.groupId);
  for (let index = log.length - 1; index >= 0; index -= 1) {
    const earlier = log[index] as (typeof log)[number];
    if (nowSeconds - earlier.msgTime >= DUPLICATE_WINDOW_SECONDS) break;
    if (earlier.random === random) return ok({ MsgTime: earlier.msgTime, MsgSeq: earlier.msgSeq });
  }
  const stored = state.addGroupMessage(group.groupId, { msgTime: nowSeconds, random, body });
  return ok({ MsgTime: stored.msgTime, MsgSeq: stored.msgSeq });
};
