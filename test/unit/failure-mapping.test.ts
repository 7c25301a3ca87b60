import { ConfigError } from '#lib/config/env.ts';
import type { ApiError } from '#lib/http/api-error.ts';
import { toApiError } from '#lib/http/to-api-error.ts';
import { tencentFailure } from '#lib/tencent/failures.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { volcFailureKind } from '#lib/volc/failures.ts';

// Providers classify their codes into kinds; the HTTP edge alone turns kinds into contract errors.

describe('Tencent codes', () => {
  test.each([
    [10002, '', 'server'],
    [10004, 'Limit must be an integer', 'invalid-argument'],
    [10004, 'admin count exceeds the limit of 5 admins for a live-stream group', 'admin-limit'],
    [10007, '', 'unsupported-group-type'],
    [10010, '', 'group-not-found'],
    [10015, '', 'invalid-group-id'],
    [10018, '', 'answer-too-large'],
    [60007, '', 'rate-limited'],
    [10006, '', 'rate-limited'],
    [60010, '', 'auth'],
    [70009, '', 'auth'],
    [10003, '', 'rejected'],
  ])('%i %p is %s', (code, info, kind) => {
    expect(tencentFailure(code, info).kind).toBe(kind);
  });
});

describe('Volcengine errors', () => {
  test.each([
    [429, 'FlowLimitExceeded', 100018, 'rate-limited'],
    [401, 'SignatureDoesNotMatch', 100010, 'auth'],
    [500, 'InternalError', 100014, 'server'],
    [400, 'MissingParameter', 100002, 'invalid-argument'],
    [400, 'InvalidParameter', 0, 'invalid-argument'],
    [404, 'InvalidActionOrVersion', 100008, 'invalid-argument'],
    [403, 'Forbidden', 0, 'rejected'],
  ])('HTTP %i %s (%i) is %s', (status, code, codeN, kind) => {
    expect(volcFailureKind(status, code, codeN)).toBe(kind);
  });
});

describe('the contract error of each failure', () => {
  test.each([
    [tencentFailure(10004, 'bad'), 400, 'INVALID_ARGUMENT'],
    [tencentFailure(10015, 'bad id'), 400, 'INVALID_GROUP_ID'],
    [tencentFailure(10007, 'not live'), 403, 'UNSUPPORTED_GROUP_TYPE'],
    [tencentFailure(10010, 'gone'), 404, 'GROUP_NOT_FOUND'],
    [tencentFailure(10004, 'admin count exceeds the limit'), 409, 'ADMIN_LIMIT_EXCEEDED'],
    [tencentFailure(60007, 'often'), 429, 'UPSTREAM_RATE_LIMITED'],
    [tencentFailure(10002, 'system'), 502, 'UPSTREAM_ERROR'],
    [tencentFailure(70009, 'key'), 502, 'UPSTREAM_AUTH_FAILED'],
    [new UpstreamFailure('timeout', 'volcengine-rtc', 'TIMEOUT', 'slow'), 504, 'UPSTREAM_TIMEOUT'],
    [new UpstreamFailure('unavailable', 'aws-secrets-manager', 'ServiceUnavailable', 'GetSecretValue failed'), 502, 'UPSTREAM_ERROR'],
    [new UpstreamFailure('timeout', 'aws-dynamodb', 'AbortError', 'Query on the snapshot table failed'), 504, 'UPSTREAM_TIMEOUT'],
  ])('%s → %i %s', (failure, status, code) => {
    const error = toApiError(failure) as ApiError;
    expect({ status: error.statusCode, code: error.code }).toEqual({ status, code });
    expect(error.upstream).toEqual({ provider: failure.provider, code: failure.code, info: failure.info });
  });

  test('a rate limit tells the caller when to come back', () => {
    expect(toApiError(tencentFailure(60007, 'often'))?.retryAfterSeconds).toBe(1);
  });

  test('configuration errors are INTERNAL without their message; anything unknown is left to the edge', () => {
    const error = toApiError(new ConfigError('the tencent secret is missing secretKey'));
    expect(error).toMatchObject({ code: 'INTERNAL', statusCode: 500, message: 'The service is misconfigured.' });
    expect(toApiError(new TypeError('bug'))).toBeUndefined();
  });
});
