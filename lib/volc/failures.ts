import type { FailureKind } from '#lib/upstream/failure.ts';

// What a Volcengine OpenAPI error means, in the provider-neutral kinds of lib/upstream/failure.ts.
const AUTH_CODES = new Set([
  'MissingAuthenticationToken',
  'MissingSignature',
  'InvalidTimestamp',
  'InvalidAccessKey',
  'SignatureDoesNotMatch',
  'LackPolicy',
  'AccessDenied',
  'InvalidAuthorization',
  'InvalidCredential',
  'InvalidSecretToken',
]);
const AUTH_CODE_NUMBERS = new Set([100003, 100005, 100006, 100009, 100010, 100012, 100013]);
const SERVER_CODE_NUMBERS = new Set([100014, 100015, 100016]);

export const volcFailureKind = (httpStatus: number, code: string, codeN: number): FailureKind => {
  if (httpStatus === 429 || /LimitExceeded|Throttl/i.test(code) || codeN === 100018) return 'rate-limited';
  if (AUTH_CODES.has(code) || AUTH_CODE_NUMBERS.has(codeN)) return 'auth';
  if (httpStatus >= 500 || SERVER_CODE_NUMBERS.has(codeN) || /^Internal/.test(code)) return 'server';
  if (/^(Missing|Invalid)/.test(code)) return 'invalid-argument';
  return 'rejected';
};
