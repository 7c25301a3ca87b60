import { decodeCursor, type HistoryCursor, RAW_MAX_RANGE_MS, REQUESTED_STEPS, type RequestedStep } from '#lib/snapshots/history.ts';
import { DAY_MS } from '#lib/snapshots/rollups.ts';
import { type IntegerRange, type Issues, integerInRange } from './validate.ts';

export const HISTORY_QUERY = ['from', 'to', 'limit', 'step', 'cursor'] as const;
export const HISTORY_LIMIT: IntegerRange = { min: 1, max: 10_000, fallback: 1000 };
const HOUR_MS = 3_600_000;
/** What `from` and `to` accept: an ISO-8601 date-time with a time zone; seconds and fractions optional. */
export const ISO_8601_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const ISO_8601 = new RegExp(ISO_8601_PATTERN);

const instant = (raw: string | undefined, field: string, issues: Issues): number | undefined | null => {
  if (raw === undefined) return null;
  const ms = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) return issues.add(field, 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-21T10:00:00Z');
  return ms;
};

/** undefined: invalid (an issue is recorded); null: not given. */
const stepOf = (raw: string | undefined, issues: Issues): RequestedStep | undefined | null => {
  if (raw === undefined) return null;
  return (REQUESTED_STEPS as readonly string[]).includes(raw) ? (raw as RequestedStep) : issues.add('step', `must be one of ${REQUESTED_STEPS.join(', ')}`);
};

export interface HistoryRequest {
  from: number;
  to: number;
  limit: number;
  step: RequestedStep;
  cursor: HistoryCursor | undefined;
}

/**
 * from/to/limit/step/cursor of a history request. Without from/to the range is the last hour;
 * with a cursor, what it leaves out (from, to, step) is the cursor's: the last hour moves, a
 * paging session must not. `maxSteppedDays` (the rollup retention) bounds a stepped range.
 */
export const readHistoryQuery = (
  query: Record<string, string | undefined>,
  key: string | undefined,
  issues: Issues,
  now: number,
  maxSteppedDays: number,
): HistoryRequest | undefined => {
  const limit = integerInRange(query.limit, 'limit', HISTORY_LIMIT, issues);
  const from = instant(query.from, 'from', issues);
  const to = instant(query.to, 'to', issues);
  const askedStep = stepOf(query.step, issues);
  let cursor: HistoryCursor | undefined;
  if (query.cursor !== undefined && key !== undefined) {
    cursor = decodeCursor(query.cursor, key);
    if (!cursor) issues.add('cursor', 'is not a cursor of this history; pass nextCursor from the previous page unchanged');
  }
  if (
    from === undefined ||
    to === undefined ||
    limit === undefined ||
    askedStep === undefined ||
    key === undefined ||
    (query.cursor !== undefined && !cursor)
  ) {
    return undefined;
  }
  const end = to ?? cursor?.to ?? now;
  const start = from ?? cursor?.from ?? end - HOUR_MS;
  const step = askedStep ?? cursor?.step ?? 'raw';
  if (start > end) return issues.add('from', 'must not be after to');
  if (step === 'raw' && end - start > RAW_MAX_RANGE_MS) {
    return issues.add(
      'from',
      `the range must be at most ${RAW_MAX_RANGE_MS / DAY_MS} days with step=raw; ask for a step (1m, 5m, 1h, 1d or auto) for longer ones`,
    );
  }
  if (step !== 'raw' && end - start > maxSteppedDays * DAY_MS)
    return issues.add('from', `the range must be at most ${maxSteppedDays} days (the rollup retention)`);
  if (cursor && (cursor.from !== start || cursor.to !== end)) {
    return issues.add('cursor', 'belongs to another range; repeat the from and to of the first page, or leave them out');
  }
  if (cursor && cursor.step !== step) return issues.add('cursor', 'belongs to another step; repeat the step of the first page, or leave it out');
  return { from: start, to: end, limit, step, cursor };
};
