import { createHash, timingSafeEqual } from 'node:crypto';

// The providers' callback signatures (../shared/API.md, callback endpoints). Compared in constant
// time, so a caller cannot learn a signature byte by byte from how fast it is refused.

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Tencent Chat: SHA-256 of the callback token followed by RequestTime, lower-case hex. */
export const tencentCallbackSign = (token: string, requestTime: string): string => sha256Hex(`${token}${requestTime}`);

export const VOLC_SIGNED_FIELDS = ['EventType', 'EventData', 'EventTime', 'EventId', 'AppId', 'Version', 'Nonce'] as const;
export type VolcSignedField = (typeof VOLC_SIGNED_FIELDS)[number];

/** Volcengine RTC: SHA-256 of the signed fields' values and the secret, sorted ascending and joined. */
export const volcCallbackSignature = (fields: Record<VolcSignedField, string>, secret: string): string =>
  sha256Hex([...VOLC_SIGNED_FIELDS.map((field) => fields[field]), secret].sort().join(''));

export const sameSignature = (given: string, expected: string): boolean => {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Equal lengths only: timingSafeEqual throws otherwise, and a length says nothing secret.
  return a.length === b.length && timingSafeEqual(a, b);
};
