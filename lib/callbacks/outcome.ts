import { ApiError } from '#lib/http/api-error.ts';
import { Metric, type PushProvider } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { CallbackRefused, type Refusal } from './authenticate.ts';

// What became of each callback, for the CallbacksAccepted and CallbacksRejected metrics. A
// rejection is the sender's fault (a 4xx); our own failures (a registry write, 5xx) are neither,
// and show in ErrorResponses and the upstream metrics instead.

const REASONS: Record<Refusal, string> = {
  'missing-signature': 'bad-signature',
  'wrong-signature': 'bad-signature',
  'outside-time-window': 'stale',
  'foreign-app': 'wrong-app',
  replayed: 'replay',
  'no-callback-secret': 'no-callback-secret',
};

/** The metric reason of a refused callback; undefined when the failure is ours, not the sender's. */
export const rejectionReason = (error: unknown): string | undefined => {
  if (error instanceof CallbackRefused) return REASONS[error.refusal];
  if (error instanceof ApiError && error.statusCode < 500) return 'malformed';
  return undefined;
};

/** Runs the receipt of one callback and counts whether it was accepted or rejected, and why. */
export const countedCallback = async <T>(provider: PushProvider, receive: () => Promise<T>): Promise<T> => {
  try {
    const answer = await receive();
    metrics.add(Metric.CallbacksAccepted, 1, { provider });
    return answer;
  } catch (error) {
    const reason = rejectionReason(error);
    if (reason) metrics.add(Metric.CallbacksRejected, 1, { provider, reason });
    throw error;
  }
};
