import type { Deadline } from '#lib/deadline.ts';
import { sleep } from '#lib/sleep.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

/** "Full jitter": a uniform delay below the exponential cap, so callers that failed together do not retry together. */
export const backoffDelayMs = (retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber));

// An attempt needs at least this long to have a chance of an answer; sleeping into the last
// few milliseconds of the budget only turns a clear upstream error into a vague timeout.
const MIN_USEFUL_ATTEMPT_MS = 50;

export interface RetryOptions {
  policy: RetryPolicy;
  deadline: Deadline;
  isRetryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, retryNumber: number, delayMs: number) => void;
  random?: () => number;
}

export const retrying = async <T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> => {
  const { policy, deadline, isRetryable } = options;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isRetryable(error) || attemptNumber >= policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(attemptNumber - 1, policy, options.random);
      if (deadline.remainingMs() < delayMs + MIN_USEFUL_ATTEMPT_MS) throw error;
      options.onRetry?.(error, attemptNumber, delayMs);
      await sleep(delayMs);
    }
  }
};
