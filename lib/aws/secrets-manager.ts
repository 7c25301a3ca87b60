import type { SecretsManagerConfig } from '#lib/config/aws.ts';
import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { SECRET_READ_BUDGET_MS, type SecretSource } from '#lib/secrets.ts';
import { type FailureKind, isTransientFailure, UpstreamFailure } from '#lib/upstream/failure.ts';
import { type RawResponse, sendRequest } from '#lib/upstream/http.ts';
import { type RetryPolicy, retrying } from '#lib/upstream/retry.ts';
import { signAwsRequest } from './sigv4.ts';

// Secrets Manager GetSecretValue as one SigV4-signed POST (AWS JSON 1.1) through the upstream
// transport, instead of the AWS SDK client: the SDK was most of every provider function's bundle
// and of its cold start, for one call (bench/ANALYSIS.md). It keeps what the SDK client was set
// up to do: two attempts with a jittered backoff on throttling, 5xx and network failures, and an
// attempt bounded in time. Neither the secret nor the signature ever goes into an error or a log.

const PROVIDER = 'aws-secrets-manager';
const API = 'GetSecretValue';
/** One attempt (the SDK client had 1 s to connect and 2 s to answer). */
const ATTEMPT_TIMEOUT_MS = 2000;
/** As the SDK client's `maxAttempts: 2` with its standard retry strategy: one retry, full jitter from 100 ms. */
const RETRY_POLICY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 20_000 };

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottledException']);
const AUTH = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

/**
 * The error's type, from `x-amzn-errortype` or the body's `__type` (`ResourceNotFoundException`,
 * also written `ns#ResourceNotFoundException` or with `:<uri>` after it); anything that does not
 * look like a type name becomes `HTTP_<status>`, so nothing else of an answer reaches a log.
 */
const errorType = (response: RawResponse): string => {
  let raw = response.headers.get('x-amzn-errortype') ?? '';
  if (!raw) {
    try {
      const body = JSON.parse(response.text) as { __type?: unknown; code?: unknown };
      raw = String(body.__type ?? body.code ?? '');
    } catch {
      raw = '';
    }
  }
  const name = raw.split(':')[0]?.split('#').pop() ?? '';
  return /^[A-Za-z][A-Za-z0-9.]{0,99}$/.test(name) ? name : `HTTP_${response.status}`;
};

const failureKind = (type: string, status: number): FailureKind => {
  if (THROTTLING.has(type) || status === 429) return 'rate-limited';
  if (AUTH.has(type)) return 'auth';
  if (status >= 500 || type === 'InternalServiceError' || type === 'ServiceUnavailable') return 'server';
  return 'rejected';
};

const secretStringOf = (response: RawResponse): string => {
  let answer: { SecretString?: unknown };
  try {
    answer = JSON.parse(response.text) as { SecretString?: unknown };
  } catch {
    throw new UpstreamFailure('bad-response', PROVIDER, `HTTP_${response.status}`, 'the GetSecretValue answer is not JSON', response.status);
  }
  if (typeof answer?.SecretString !== 'string')
    throw new UpstreamFailure('rejected', PROVIDER, 'NoSecretString', 'the secret has no SecretString', response.status);
  return answer.SecretString;
};

const getSecretValue = async (config: SecretsManagerConfig, secretId: string, deadline: Deadline): Promise<string> => {
  // A path in AWS_ENDPOINT_URL* (a proxy's prefix) is kept, as the SDK keeps it: the operation's `/` goes after it.
  const url = new URL(config.endpoint);
  url.pathname = url.pathname.replace(/\/*$/, '/');
  url.search = '';
  const body = JSON.stringify({ SecretId: secretId });
  const headers = signAwsRequest(
    {
      method: 'POST',
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body,
    },
    config.credentials,
    { region: config.region, service: 'secretsmanager' },
  );
  const timeoutMs = Math.min(ATTEMPT_TIMEOUT_MS, deadline.remainingMs());
  if (timeoutMs <= 0) throw new UpstreamFailure('timeout', PROVIDER, 'TIMEOUT', 'the time for reading the secret is spent');
  metrics.add(Metric.UpstreamCalls, 1, { upstream: PROVIDER, api: API });
  const response = await sendRequest(PROVIDER, url.href, { method: 'POST', headers, body }, timeoutMs);
  if (response.status === 200) return secretStringOf(response);
  const type = errorType(response);
  throw new UpstreamFailure(failureKind(type, response.status), PROVIDER, type, 'GetSecretValue failed', response.status);
};

export const secretsManagerSource = (config: SecretsManagerConfig): SecretSource => ({
  async read(secretId, deadline = Deadline.after(SECRET_READ_BUDGET_MS)) {
    try {
      return await retrying(() => getSecretValue(config, secretId, deadline), {
        policy: RETRY_POLICY,
        deadline,
        isRetryable: isTransientFailure,
        onRetry: (error, retryNumber, delayMs) => {
          metrics.add(Metric.UpstreamRetries, 1, { upstream: PROVIDER, api: API });
          log.warn('retrying the Secrets Manager read', { secretId, retryNumber, delayMs, error });
        },
      });
    } catch (error) {
      countFailure(error);
      throw error;
    }
  },
});

/** A read that failed after its retries; a role that may not read the secret is an auth failure, which pages. */
const countFailure = (error: unknown): void => {
  const kind: FailureKind = error instanceof UpstreamFailure ? error.kind : 'network';
  metrics.add(Metric.UpstreamFailures, 1, { upstream: PROVIDER, api: API, kind });
  if (kind === 'auth') metrics.add(Metric.UpstreamAuthFailures, 1, { upstream: PROVIDER });
};
