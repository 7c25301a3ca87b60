import type { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { toBucketPoint } from './aggregate.ts';
import { encodeCursor, type HistoryCursor, type RequestedStep, readHistory } from './history.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';

/**
 * The part of a history answer both history endpoints share: range, step, points, stats and
 * cursor, read inside the request's time budget (a read cut short comes out as a 'timeout'
 * failure). `toPoint` shapes a tick (step=raw); a bucket's point is the same for both.
 */
export const historyAnswer = async <P>(
  store: SnapshotStore,
  query: { key: string; from: number; to: number; limit: number; step: RequestedStep; cursor?: HistoryCursor | undefined },
  toPoint: (record: SnapshotRecord) => P,
  deadline: Deadline,
) => {
  const { cursor, ...range } = query;
  const signal = AbortSignal.timeout(Math.max(1, deadline.remainingMs()));
  let page: Awaited<ReturnType<typeof readHistory>>;
  try {
    page = await readHistory(store, { ...range, ...(cursor ? { cursor } : {}), signal });
  } catch (error) {
    log.error('snapshot table read failed', { key: query.key, error });
    throw error;
  }
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    step: page.step,
    points: page.step === 'raw' ? page.records.map(toPoint) : page.buckets.map((bucket) => toBucketPoint(bucket.at, bucket.aggregate)),
    stats: page.stats,
    nextCursor: page.next ? encodeCursor(query.key, page.next) : null,
  };
};
