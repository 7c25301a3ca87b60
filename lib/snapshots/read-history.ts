import type { Deadline } from '../deadline.ts';
import { ApiError } from '../errors.ts';
import { log } from '../log.ts';
import { type HistoryCursor, type HistoryPage, encodeCursor, readHistory } from './history.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';

/**
 * readHistory inside the request's time budget. The table is our own dependency, not an
 * upstream provider, but from the caller's side it fails the same way: UPSTREAM_TIMEOUT when it
 * does not answer in time, UPSTREAM_ERROR (provider aws-dynamodb) when it fails.
 */
export const readHistoryWithin = async (
  store: SnapshotStore,
  query: { key: string; from: number; to: number; limit: number; cursor?: HistoryCursor },
  valueOf: (record: SnapshotRecord) => number | undefined,
  deadline: Deadline,
): Promise<HistoryPage> => {
  const signal = AbortSignal.timeout(Math.max(1, deadline.remainingMs()));
  try {
    return await readHistory(store, { ...query, signal }, valueOf);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    log.error('snapshot table read failed', { key: query.key, error });
    const upstream = { provider: 'aws-dynamodb' as const, code: name, info: 'Query on the snapshot table failed' };
    if (signal.aborted) throw new ApiError('UPSTREAM_TIMEOUT', 'The snapshot table did not answer in time.', { upstream });
    throw new ApiError('UPSTREAM_ERROR', 'The snapshot table could not be read.', { upstream });
  }
};

/** The part of a history answer both history endpoints share: range, points, stats and cursor. */
export const historyAnswer = async <P>(
  store: SnapshotStore,
  query: { key: string; from: number; to: number; limit: number; cursor?: HistoryCursor | undefined },
  valueOf: (record: SnapshotRecord) => number | undefined,
  toPoint: (record: SnapshotRecord) => P,
  deadline: Deadline,
) => {
  const { cursor, ...rest } = query;
  const page = await readHistoryWithin(store, { ...rest, ...(cursor ? { cursor } : {}) }, valueOf, deadline);
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    points: page.records.map(toPoint),
    stats: page.stats,
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
};
