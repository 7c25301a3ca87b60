import { ConfigError } from '#lib/config/env.ts';
import { type FailureKind, type Provider, UpstreamFailure } from '#lib/upstream/failure.ts';
import { ApiError, type ErrorCode } from './api-error.ts';

// The one place where anything thrown below the HTTP edge becomes the contract's error. Clients,
// the secret cache and the store throw typed failures; retries are spent by the time one gets here.

const PROVIDER_NAME: Record<Provider, string> = {
  'tencent-im': 'Tencent Chat',
  'volcengine-rtc': 'Volcengine RTC',
  'aws-secrets-manager': 'AWS Secrets Manager',
  // Both tables (snapshots, tracking) are DynamoDB; the caller needs only to know it was our storage.
  'aws-dynamodb': 'The livegate database (DynamoDB)',
};

const CONTRACT: Record<FailureKind, { code: ErrorCode; message: (provider: string) => string }> = {
  network: { code: 'UPSTREAM_ERROR', message: (p) => `${p} could not be reached.` },
  server: { code: 'UPSTREAM_ERROR', message: (p) => `${p} failed.` },
  'bad-response': { code: 'UPSTREAM_ERROR', message: (p) => `${p} sent an answer that could not be read.` },
  unavailable: { code: 'UPSTREAM_ERROR', message: (p) => `${p} could not be read.` },
  rejected: { code: 'UPSTREAM_ERROR', message: (p) => `${p} refused the request.` },
  // Only a bug of ours could make it here: the members endpoint splits pages that are too large.
  'answer-too-large': { code: 'UPSTREAM_ERROR', message: (p) => `${p} refused to send an answer this large.` },
  timeout: { code: 'UPSTREAM_TIMEOUT', message: (p) => `${p} did not answer in time.` },
  'rate-limited': { code: 'UPSTREAM_RATE_LIMITED', message: (p) => `The ${p} frequency limit was reached; try again shortly.` },
  auth: { code: 'UPSTREAM_AUTH_FAILED', message: (p) => `${p} rejected our credentials.` },
  'invalid-argument': { code: 'INVALID_ARGUMENT', message: (p) => `${p} rejected a parameter of the request.` },
  'invalid-group-id': { code: 'INVALID_GROUP_ID', message: (p) => `${p} says the group ID is not valid.` },
  'unsupported-group-type': { code: 'UNSUPPORTED_GROUP_TYPE', message: () => 'This operation works on live-stream (AVChatRoom) groups only.' },
  'group-not-found': { code: 'GROUP_NOT_FOUND', message: () => 'The group does not exist or has been disbanded.' },
  'admin-limit': { code: 'ADMIN_LIMIT_EXCEEDED', message: () => 'A live-stream group can have at most 5 admins.' },
};

const fromFailure = (failure: UpstreamFailure): ApiError => {
  const { code, message } = CONTRACT[failure.kind];
  return new ApiError(code, message(PROVIDER_NAME[failure.provider]), {
    upstream: { provider: failure.provider, code: failure.code, info: failure.info },
    ...(code === 'UPSTREAM_RATE_LIMITED' ? { retryAfterSeconds: 1 } : {}),
  });
};

/** The contract error for anything a handler threw; undefined for a bug (answered as INTERNAL). */
export const toApiError = (error: unknown): ApiError | undefined => {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamFailure) return fromFailure(error);
  // The message names the setting at fault; it is logged, never sent.
  if (error instanceof ConfigError) return new ApiError('INTERNAL', 'The service is misconfigured.');
  return undefined;
};
