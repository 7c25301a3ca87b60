import type { FailureKind, Provider } from '#lib/upstream/failure.ts';
import { Metric } from './catalogue.ts';
import { metrics } from './recorder.ts';

// Our own AWS dependencies (Secrets Manager, DynamoDB) are counted like the providers: every
// attempt the SDK sends, its retries, and each call that fails once the SDK has given up. The
// SDK retries by itself, so the counting sits in its middleware stack, around and inside its retry.

interface MiddlewareStack {
  add: (middleware: unknown, options: { step: string; name: string }) => void;
  addRelativeTo: (middleware: unknown, options: { relation: 'after'; toMiddleware: string; name: string }) => void;
}

type Next = (args: unknown) => Promise<unknown>;

// An expected answer rather than a failure: conditional writes (events seen before, gaps where a
// sample is stored) are refused by design.
const EXPECTED = new Set(['ConditionalCheckFailedException']);

const failureKind = (error: unknown): FailureKind => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || name === 'TimeoutError' || name === 'RequestTimeout') return 'timeout';
  if (/Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|TooManyRequests/.test(name)) return 'rate-limited';
  if (/AccessDenied|UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|InvalidClientTokenId/.test(name)) return 'auth';
  return 'unavailable';
};

const apiOf = (commandName: unknown): string => (typeof commandName === 'string' ? commandName.replace(/Command$/, '') : 'unknown');

/** Counts the calls of one AWS SDK v3 client under `upstream`. */
export const countAwsCalls = (client: { middlewareStack: unknown }, upstream: Provider): void => {
  const stack = client.middlewareStack as MiddlewareStack;
  stack.add(
    (next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const api = apiOf(context.commandName);
      try {
        return await next(args);
      } catch (error) {
        if (!(error instanceof Error && EXPECTED.has(error.name))) {
          const kind = failureKind(error);
          metrics.add(Metric.UpstreamFailures, 1, { upstream, api, kind });
          if (kind === 'auth') metrics.add(Metric.UpstreamAuthFailures, 1, { upstream });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'livegateCallMetrics' },
  );
  // The same context object goes through every attempt of one call.
  const attempts = new WeakMap<object, number>();
  stack.addRelativeTo(
    (next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const api = apiOf(context.commandName);
      const seen = (attempts.get(context) ?? 0) + 1;
      attempts.set(context, seen);
      metrics.add(Metric.UpstreamCalls, 1, { upstream, api });
      if (seen > 1) metrics.add(Metric.UpstreamRetries, 1, { upstream, api });
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'livegateAttemptMetrics' },
  );
};
