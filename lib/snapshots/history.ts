import type { SnapshotRecord, SnapshotStore } from './store.ts';

// History of one target: a page of points, oldest first, and stats over the whole range. The
// stats are computed on the first page (one pass over the range) and carried in the cursor,
// so later pages cost one Query each and agree with the first. Whether more points follow is
// read from the table each time (one point past the page), never counted ahead: a count in the
// cursor would go stale as the snapshot run keeps writing into the range.

export interface HistoryStats {
  samples: number;
  gaps: number;
  peak: number | null;
  peakAt: string | null;
  min: number | null;
  avg: number | null;
}

export interface HistoryCursor {
  key: string;
  from: number;
  to: number;
  /** `at` of the last point already returned */
  after: number;
  stats: HistoryStats;
}

export interface HistoryPage {
  records: SnapshotRecord[];
  stats: HistoryStats;
  next: HistoryCursor | null;
}

export const emptyStats = (): HistoryStats => ({ samples: 0, gaps: 0, peak: null, peakAt: null, min: null, avg: null });

class StatsAccumulator {
  private samples = 0;
  private gaps = 0;
  private sum = 0;
  private peak: number | null = null;
  private peakAt: number | null = null;
  private min: number | null = null;

  add(record: SnapshotRecord, value: number | undefined): void {
    if (record.gap !== undefined || value === undefined) {
      this.gaps += 1;
      return;
    }
    this.samples += 1;
    this.sum += value;
    if (this.peak === null || value > this.peak) {
      this.peak = value;
      this.peakAt = record.at;
    }
    if (this.min === null || value < this.min) this.min = value;
  }

  result(): HistoryStats {
    return {
      samples: this.samples,
      gaps: this.gaps,
      peak: this.peak,
      peakAt: this.peakAt === null ? null : new Date(this.peakAt).toISOString(),
      min: this.min,
      avg: this.samples === 0 ? null : Math.round((this.sum / this.samples) * 100) / 100,
    };
  }
}

const readPage = async (
  store: SnapshotStore,
  key: string,
  from: number,
  to: number,
  limit: number,
  startAfter: number | undefined,
  signal: AbortSignal | undefined,
) => {
  const records: SnapshotRecord[] = [];
  let after = startAfter;
  // A Query answer stops at 1 MB; keep reading until the page is full or the range ends.
  for (;;) {
    const page = await store.queryRange(key, from, to, {
      limit: limit - records.length,
      ...(after === undefined ? {} : { startAfter: after }),
      ...(signal ? { signal } : {}),
    });
    records.push(...page.records);
    if (page.lastAt === undefined || records.length >= limit) return records;
    after = page.lastAt;
  }
};

export const readHistory = async (
  store: SnapshotStore,
  query: { key: string; from: number; to: number; limit: number; cursor?: HistoryCursor; signal?: AbortSignal },
  measure: (record: SnapshotRecord) => number | undefined,
): Promise<HistoryPage> => {
  const { key, from, to, limit, cursor, signal } = query;
  if (cursor) {
    const read = await readPage(store, key, from, to, limit + 1, cursor.after, signal);
    const records = read.slice(0, limit);
    const last = records[records.length - 1];
    return { records, stats: cursor.stats, next: read.length > limit && last ? { ...cursor, after: last.at } : null };
  }
  const stats = new StatsAccumulator();
  const records: SnapshotRecord[] = [];
  let total = 0;
  let after: number | undefined;
  do {
    const page = await store.queryRange(key, from, to, { ...(after === undefined ? {} : { startAfter: after }), ...(signal ? { signal } : {}) });
    for (const record of page.records) {
      stats.add(record, measure(record));
      if (records.length < limit) records.push(record);
      total += 1;
    }
    after = page.lastAt;
  } while (after !== undefined);
  const result = stats.result();
  const last = records[records.length - 1];
  return { records, stats: result, next: total > records.length && last ? { key, from, to, after: last.at, stats: result } : null };
};

export const encodeCursor = (cursor: HistoryCursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

/** Undefined for anything that is not a cursor this API made for the same target. */
export const decodeCursor = (text: string, key: string): HistoryCursor | undefined => {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const cursor = parsed as Partial<HistoryCursor> | null;
  if (!cursor || typeof cursor !== 'object' || cursor.key !== key) return undefined;
  const { from, to, after, stats } = cursor;
  if (!isCount(from) || !isCount(to) || !isCount(after) || after < from || after > to || !isStats(stats)) return undefined;
  return { key, from, to, after, stats };
};

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isNullableNumber = (value: unknown): boolean => value === null || (typeof value === 'number' && Number.isFinite(value));

/** The stats carried from the first page, checked field by field: a cursor is caller input. */
const isStats = (value: unknown): value is HistoryStats => {
  if (value === null || typeof value !== 'object') return false;
  const stats = value as Record<string, unknown>;
  const keys = Object.keys(stats).sort().join();
  if (keys !== 'avg,gaps,min,peak,peakAt,samples') return false;
  const { samples, gaps, peak, peakAt, min, avg } = stats;
  if (!isCount(samples) || !isCount(gaps) || !isNullableNumber(peak) || !isNullableNumber(min) || !isNullableNumber(avg)) return false;
  if (peakAt !== null && (typeof peakAt !== 'string' || Number.isNaN(Date.parse(peakAt)))) return false;
  // Either there were samples and every figure is set, or there were none and none is.
  const figures = [peak, peakAt, min, avg];
  return samples > 0 ? figures.every((figure) => figure !== null) : figures.every((figure) => figure === null);
};
