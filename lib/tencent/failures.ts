import { type FailureKind, UpstreamFailure } from '#lib/upstream/failure.ts';

// What a Tencent Chat ErrorCode means, in the provider-neutral kinds of lib/upstream/failure.ts.
// Public codes are 60000-79999; API codes are 1xxxx.
const RATE_LIMIT_CODES = new Set([60007, 60011, 60018, 60019, 10006]);
const AUTH_CODES = new Set([10001, 60004, 60005, 60010, 60026]);
const API_CODES: Record<number, FailureKind> = {
  10002: 'server',
  10004: 'invalid-argument',
  10007: 'unsupported-group-type',
  10010: 'group-not-found',
  10015: 'invalid-group-id',
  10018: 'answer-too-large',
};

// Tencent documents the five-admin limit of a live-stream group but no code of its own for it:
// it comes back as 10004 (invalid parameter) with an ErrorInfo that says so.
const isAdminLimit = (errorCode: number, errorInfo: string): boolean =>
  errorCode === 10004 && /admin/i.test(errorInfo) && /(limit|exceed|max|more than)/i.test(errorInfo);

const tencentFailureKind = (errorCode: number, errorInfo = ''): FailureKind => {
  if (isAdminLimit(errorCode, errorInfo)) return 'admin-limit';
  if (RATE_LIMIT_CODES.has(errorCode)) return 'rate-limited';
  if (AUTH_CODES.has(errorCode) || (errorCode >= 70000 && errorCode < 80000)) return 'auth';
  return API_CODES[errorCode] ?? 'rejected';
};

export const tencentFailure = (errorCode: number, errorInfo: string): UpstreamFailure =>
  new UpstreamFailure(tencentFailureKind(errorCode, errorInfo), 'tencent-im', errorCode, errorInfo);
