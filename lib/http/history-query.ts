import { decodeCursor, type HistoryCursor } from '#lib/snapshots/history.ts';
import { type Issues, integerInRange } from './validate.ts';

export const HISTORY_QUERY = ['from', 'to', 'limit', 'cursor'] as const;
const HOUR_MS = 3_600_000;
const MAX_RANGE_DAYS = 31;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const instant = (raw: string | undefined, field: string, issues: Issues): number | undefined | null => {
  if (raw === undefined) return null;
  const ms = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) return issues.add(field, 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-21T10:00:00Z');
  return ms;
};

export interface HistoryRequest {
  from: number;
  to: number;
  limit: number;
  cursor: HistoryCursor | undefined;
}

/**
 * from/to/limit/cursor of a history request. Without from/to the range is the last hour; with a
 * cursor and no from/to, the cursor's range (the last hour moves, a paging session must not).
 */
export const readHistoryQuery = (
  query: Record<string, string | undefined>,
  key: string | undefined,
  issues: Issues,
  now: number,
): HistoryRequest | undefined => {
  const limit = integerInRange(query.limit, 'limit', { min: 1, max: 10_000, fallback: 1000 }, issues);
  const from = instant(query.from, 'from', issues);
  const to = instant(query.to, 'to', issues);
  let cursor: HistoryCursor | undefined;
  if (query.cursor !== undefined && key !== undefined) {
    cursor = decodeCursor(query.cursor, key);
    if (!cursor) issues.add('cursor', 'is not a cursor of this history; pass nextCursor from the previous page unchanged');
  }
  if (from === undefined || to === undefined || limit === undefined || key === undefined || (query.cursor !== undefined && !cursor)) return undefined;
  const end = to ?? cursor?.to ?? now;
  const start = from ?? cursor?.from ?? end - HOUR_MS;
  if (start > end) return issues.add('from', 'must not be after to');
  if (end - start > MAX_RANGE_DAYS * 24 * HOUR_MS) return issues.add('from', `the range must be at most ${MAX_RANGE_DAYS} days`);
  if (cursor && (cursor.from !== start || cursor.to !== end)) {
    return issues.add('cursor', 'belongs to another range; repeat the from and to of the first page, or leave them out');
  }
  return { from: start, to: end, limit, cursor };
};
