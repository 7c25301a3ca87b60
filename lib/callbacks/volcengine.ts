import type { Issues } from '#lib/http/validate.ts';
import { roomId } from '#lib/http/validate.ts';
import type { VolcSecret } from '#lib/volc/credentials.ts';
import type { Refusal } from './authenticate.ts';
import type { CallbackEffect } from './effects.ts';
import { sameSignature, VOLC_SIGNED_FIELDS, type VolcSignedField, volcCallbackSignature } from './signatures.ts';

// Volcengine RTC event callbacks: everything, the signature included, is in the JSON body.

export type VolcEvent = Record<VolcSignedField | 'Signature', string>;

/** How old an event may be: Volcengine retries for seconds, and an EventId is remembered longer than this. */
export const VOLC_MAX_EVENT_AGE_MS = 24 * 3_600_000;
const VOLC_MAX_CLOCK_SKEW_MS = 5 * 60_000;
export const VOLC_EVENT_MEMORY_SECONDS = 25 * 3600;

/** The event's string fields, or undefined when one is missing (it cannot be verified then). */
export const readVolcEvent = (body: unknown): VolcEvent | undefined => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const fields = [...VOLC_SIGNED_FIELDS, 'Signature'] as const;
  if (!fields.every((field) => typeof record[field] === 'string')) return undefined;
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as VolcEvent;
};

export const checkVolcCallback = (event: VolcEvent | undefined, secret: VolcSecret, ourAppId: string | undefined, now: number): Refusal | undefined => {
  if (!event || event.Signature === '') return 'missing-signature';
  if (!secret.callbackSecret) return 'no-callback-secret';
  if (!sameSignature(event.Signature, volcCallbackSignature(event, secret.callbackSecret))) return 'wrong-signature';
  const at = Date.parse(event.EventTime);
  if (!Number.isFinite(at) || now - at > VOLC_MAX_EVENT_AGE_MS || at - now > VOLC_MAX_CLOCK_SKEW_MS) return 'outside-time-window';
  if (ourAppId !== undefined && event.AppId !== ourAppId) return 'foreign-app';
  return undefined;
};

const TRACKING_EVENTS: Record<string, 'create' | 'renew' | 'end'> = {
  RoomCreate: 'create',
  UserJoinRoom: 'renew',
  UserLeaveRoom: 'renew',
  RoomDestroy: 'end',
};

export const volcCallbackEffect = (event: VolcEvent, issues: Issues): CallbackEffect => {
  const role = TRACKING_EVENTS[event.EventType];
  if (!role) return { action: 'ignore', reason: `event ${event.EventType} does not change tracking` };
  let data: unknown;
  try {
    data = JSON.parse(event.EventData);
  } catch {
    issues.add('EventData', 'must be a JSON object with RoomId');
    return { action: 'ignore', reason: 'EventData is not JSON' };
  }
  const raw = (data as { RoomId?: unknown } | null)?.RoomId;
  const room = typeof raw === 'string' ? roomId(raw, issues, 'EventData.RoomId') : issues.add('EventData.RoomId', 'is required');
  const app = roomId(event.AppId, issues, 'AppId');
  if (room === undefined || app === undefined) return { action: 'ignore', reason: 'no valid room' };
  const target = { kind: 'room', appId: app, roomId: room } as const;
  return role === 'end' ? { action: 'untrack', target } : { action: 'track', target, renewal: role === 'renew' };
};
