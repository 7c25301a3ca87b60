import { ApiError } from '../errors.ts';
import { UpstreamFailure, type FailureKind } from '../upstream/failure.ts';

// How a Tencent Chat ErrorCode is treated. Public codes are 60000-79999; API codes are 1xxxx.
const RATE_LIMIT_CODES = new Set([60007, 60011, 60018, 60019, 10006]);
const AUTH_CODES = new Set([10001, 60004, 60005, 60010, 60026]);

export const tencentFailureKind = (errorCode: number): FailureKind => {
  if (errorCode === 10002) return 'server';
  if (RATE_LIMIT_CODES.has(errorCode)) return 'rate-limited';
  if (AUTH_CODES.has(errorCode) || (errorCode >= 70000 && errorCode < 80000)) return 'auth';
  return 'rejected';
};

export const tencentFailure = (errorCode: number, errorInfo: string): UpstreamFailure =>
  new UpstreamFailure(tencentFailureKind(errorCode), 'tencent-im', errorCode, errorInfo);

/** The contract error for an upstream refusal that retrying cannot fix. */
export const tencentRejection = (failure: UpstreamFailure): ApiError => {
  const upstream = { provider: failure.provider, code: failure.code, info: failure.info };
  switch (failure.code) {
    case 10004:
      return new ApiError('INVALID_ARGUMENT', 'Tencent Chat rejected a parameter of the request.', { upstream });
    case 10015:
      return new ApiError('INVALID_GROUP_ID', 'Tencent Chat says the group ID is not valid.', { upstream });
    case 10007:
      return new ApiError('UNSUPPORTED_GROUP_TYPE', 'This operation works on live-stream (AVChatRoom) groups only.', { upstream });
    case 10010:
      return new ApiError('GROUP_NOT_FOUND', 'The group does not exist or has been disbanded.', { upstream });
    default:
      return new ApiError('UPSTREAM_ERROR', 'Tencent Chat refused the request.', { upstream });
  }
};
