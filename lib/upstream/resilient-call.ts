import type { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import type { SecretCache } from '#lib/secrets.ts';
import { isTransientFailure, UpstreamFailure } from './failure.ts';
import { defaultRetryPolicy, type RetryPolicy, retrying } from './retry.ts';

export interface ResilientCallOptions<S, T> {
  /** For logs: which upstream operation this is. */
  operation: string;
  secrets: SecretCache<S>;
  attempt: (secret: S) => Promise<T>;
  deadline: Deadline;
  policy?: RetryPolicy;
  /** Runs once, after the first credential rejection, before the one retry it earns. */
  recoverCredentials: (failure: UpstreamFailure, rejectedSecretVersion: number) => Promise<void>;
}

/**
 * Transient failures are retried with backoff inside the deadline. A credential rejection earns
 * exactly one recovery (a new signature, a re-read secret) and one more round: never a loop.
 */
export const resilientCall = async <S, T>(options: ResilientCallOptions<S, T>): Promise<T> => {
  let recovered = false;
  for (;;) {
    let secretVersion = 0;
    try {
      return await retrying(
        async () => {
          const secret = await options.secrets.get();
          secretVersion = secret.version;
          return options.attempt(secret.value);
        },
        {
          policy: options.policy ?? defaultRetryPolicy,
          deadline: options.deadline,
          isRetryable: isTransientFailure,
          onRetry: (error, retryNumber, delayMs) => log.warn('retrying upstream call', { operation: options.operation, retryNumber, delayMs, error }),
        },
      );
    } catch (error) {
      if (!(error instanceof UpstreamFailure) || error.kind !== 'auth' || recovered || options.deadline.expired()) throw error;
      recovered = true;
      log.warn('upstream rejected our credentials; recovering once', { operation: options.operation, code: error.code });
      await options.recoverCredentials(error, secretVersion);
    }
  }
};
