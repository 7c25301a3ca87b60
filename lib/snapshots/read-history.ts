import type { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { encodeCursor, type HistoryCursor, readHistory } from './history.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';

/**
 * The part of a history answer both history endpoints share: range, points, stats and cursor,
 * read inside the request's time budget (a read cut short comes out as a 'timeout' failure).
 */
export const historyAnswer = async <P>(
  store: SnapshotStore,
  query: { key: string; from: number; to: number; limit: number; cursor?: HistoryCursor | undefined },
  measure: (record: SnapshotRecord) => number | undefined,
  toPoint: (record: SnapshotRecord) => P,
  deadline: Deadline,
) => {
  const { cursor, ...range } = query;
  const signal = AbortSignal.timeout(Math.max(1, deadline.remainingMs()));
  let page: Awaited<ReturnType<typeof readHistory>>;
  try {
    page = await readHistory(store, { ...range, ...(cursor ? { cursor } : {}), signal }, measure);
  } catch (error) {
    log.error('snapshot table read failed', { key: query.key, error });
    throw error;
  }
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    points: page.records.map(toPoint),
    stats: page.stats,
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
};
