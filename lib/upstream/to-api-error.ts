import { ApiError } from '../errors.ts';
import { UpstreamFailure } from './failure.ts';

// The one place where an upstream failure, once retries are spent, becomes a contract error.
const genericRejection = (failure: UpstreamFailure): ApiError =>
  new ApiError('UPSTREAM_ERROR', 'The upstream service refused the request.', {
    upstream: { provider: failure.provider, code: failure.code, info: failure.info },
  });

export const upstreamToApiError = (
  failure: UpstreamFailure,
  rejection: (failure: UpstreamFailure) => ApiError = genericRejection,
): ApiError => {
  const upstream = { provider: failure.provider, code: failure.code, info: failure.info };
  switch (failure.kind) {
    case 'timeout':
      return new ApiError('UPSTREAM_TIMEOUT', 'The upstream service did not answer in time.', { upstream });
    case 'rate-limited':
      return new ApiError('UPSTREAM_RATE_LIMITED', 'The upstream frequency limit was reached; try again shortly.', {
        upstream,
        retryAfterSeconds: 1,
      });
    case 'auth':
      return new ApiError('UPSTREAM_AUTH_FAILED', 'The upstream service rejected our credentials.', { upstream });
    case 'rejected':
      return rejection(failure);
    default:
      return new ApiError('UPSTREAM_ERROR', 'The upstream service failed.', { upstream });
  }
};

export const asApiError = (error: unknown, rejection: (failure: UpstreamFailure) => ApiError): unknown =>
  error instanceof UpstreamFailure ? upstreamToApiError(error, rejection) : error;
