import { ConfigError } from '#lib/config/env.ts';
import { type FailureKind, UpstreamFailure } from '#lib/upstream/failure.ts';

// Why a tick of a target holds no sample, as stored in the table and shown by the history
// endpoints. This vocabulary is the table's own: renaming a contract error code must never
// change what is stored, so it is derived from the failure, not from the API's error.

const GAP_BY_KIND: Record<FailureKind, string> = {
  timeout: 'upstream-timeout',
  'rate-limited': 'upstream-rate-limited',
  auth: 'upstream-auth-failed',
  network: 'upstream-error',
  server: 'upstream-error',
  'bad-response': 'upstream-error',
  rejected: 'upstream-error',
  unavailable: 'upstream-error',
  'answer-too-large': 'upstream-error',
  'invalid-argument': 'invalid-argument',
  'invalid-group-id': 'invalid-group-id',
  'unsupported-group-type': 'unsupported-group-type',
  'group-not-found': 'group-not-found',
  'admin-limit': 'upstream-error',
};

export const gapReason = (error: unknown): string => {
  if (error instanceof UpstreamFailure) return error.provider === 'aws-secrets-manager' ? 'secrets-unavailable' : GAP_BY_KIND[error.kind];
  if (error instanceof ConfigError) return 'misconfigured';
  return 'internal';
};
