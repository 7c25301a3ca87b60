import type { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import type { SecretCache } from '#lib/secrets.ts';
import { isTransientFailure, type Provider, UpstreamFailure } from './failure.ts';
import { defaultRetryPolicy, type RetryPolicy, retrying } from './retry.ts';

export interface ResilientCallOptions<S, T> {
  /** For logs and metrics: the upstream, and which of its operations this is. */
  upstream: Provider;
  operation: string;
  secrets: SecretCache<S>;
  attempt: (secret: S) => Promise<T>;
  deadline: Deadline;
  policy?: RetryPolicy;
  /** Runs once, after the first credential rejection, before the one retry it earns; a secret re-read in it takes `deadline`. */
  recoverCredentials: (failure: UpstreamFailure, rejectedSecretVersion: number) => Promise<void>;
}

/**
 * Transient failures are retried with backoff inside the deadline. A credential rejection earns
 * exactly one recovery (a new signature, a re-read secret) and one more round: never a loop.
 */
export const resilientCall = async <S, T>(options: ResilientCallOptions<S, T>): Promise<T> => {
  try {
    return await callWithRecovery(options);
  } catch (error) {
    countFailure(options.upstream, options.operation, error);
    throw error;
  }
};

/** A call that failed after its retries; a failure of another upstream (the secret's) is counted there, not here. */
const countFailure = (upstream: Provider, api: string, error: unknown): void => {
  if (!(error instanceof UpstreamFailure) || error.provider !== upstream) return;
  metrics.add(Metric.UpstreamFailures, 1, { upstream, api, kind: error.kind });
  if (error.kind === 'auth') metrics.add(Metric.UpstreamAuthFailures, 1, { upstream });
};

const callWithRecovery = async <S, T>(options: ResilientCallOptions<S, T>): Promise<T> => {
  const retried = () => metrics.add(Metric.UpstreamRetries, 1, { upstream: options.upstream, api: options.operation });
  let recovered = false;
  for (;;) {
    let secretVersion = 0;
    try {
      return await retrying(
        async () => {
          const secret = await options.secrets.get(options.deadline);
          secretVersion = secret.version;
          return options.attempt(secret.value);
        },
        {
          policy: options.policy ?? defaultRetryPolicy,
          deadline: options.deadline,
          isRetryable: isTransientFailure,
          onRetry: (error, retryNumber, delayMs) => {
            retried();
            log.warn('retrying upstream call', { operation: options.operation, retryNumber, delayMs, error });
          },
        },
      );
    } catch (error) {
      if (!(error instanceof UpstreamFailure) || error.kind !== 'auth' || recovered || options.deadline.expired()) throw error;
      recovered = true;
      log.warn('upstream rejected our credentials; recovering once', { operation: options.operation, code: error.code });
      await options.recoverCredentials(error, secretVersion);
      retried();
    }
  }
};
