import type { Context } from 'aws-lambda';
import { metrics } from '#lib/metrics/recorder.ts';
import { composeSnapshot } from '#lib/snapshots/compose.ts';
import { type RunSummary, runSnapshot } from '#lib/snapshots/run.ts';
import type { Shard } from '#lib/snapshots/targets.ts';

// The scheduled function (EventBridge, every minute). Its schedule input names the shard:
// { "shard": 0, "shards": 4 }; without one it is the only shard.

const snapshotFunction = composeSnapshot(process.env);

const parseShard = (event: unknown): Shard => {
  const input = (event ?? {}) as { shard?: unknown; shards?: unknown };
  const count = input.shards === undefined ? 1 : Number(input.shards);
  const index = input.shard === undefined ? 0 : Number(input.shard);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`schedule input must be { "shard": i, "shards": n } with 0 <= i < n, got ${JSON.stringify(event)}`);
  }
  return { index, count };
};

export const handler = async (event: unknown, context?: Context): Promise<RunSummary> => {
  const shard = parseShard(event);
  const remainingMs = context?.getRemainingTimeInMillis?.();
  try {
    return await runSnapshot(
      {
        ...snapshotFunction.dependenciesFor(shard.count),
        ...(remainingMs === undefined ? {} : { invocationEndsAt: Date.now() + remainingMs }),
      },
      shard,
    );
  } finally {
    metrics.flush();
  }
};
