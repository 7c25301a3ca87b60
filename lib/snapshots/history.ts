import { openCursor, sealCursor } from '#lib/cursor.ts';
import { type Aggregate, aggregateRecords, combine, combineAll, type HistoryStats, isEmpty, toStats } from './aggregate.ts';
import { aggregateOf, ceilTo, combineRollups, DAY_MS, floorTo, HOUR_MS, MINUTE_MS, type RollupLevel, readAllRecords, readAllRollups } from './rollups.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';

// History of one target over [from, to] (both ends included): a page of points, oldest first,
// and stats over the whole range.
//
// - Stats come from the coarsest rollups that tile the range: whole days, then hours and minutes
//   at the edges, then the ticks of the partial minutes at the very ends (at most a few hundred
//   items for any range, where a month of ticks is 267,840). Minutes too recent to be rolled up for
//   good (ROLLUP_SETTLE_MS) are read from their ticks. Combining in time order gives exactly what
//   one pass over the ticks gives (aggregate.ts), including the peak's tick: the earliest.
// - step=raw pages through the ticks; 1m, 1h and 1d through the rollups of that level, 5m through
//   the minute rollups, five at a time. A bucket cut by `from` or `to`, or too recent to be rolled
//   up for good, is computed like the stats, for the part of it inside the range.
// - A cursor carries where the page ended, bound to the target, range and step; stats are computed
//   again for every page. Whether more points follow is read from the table (one point past the
//   page), never counted ahead: the snapshot run may still be writing into the range.

export type { HistoryStats } from './aggregate.ts';

export const STEPS = ['raw', '1m', '5m', '1h', '1d'] as const;
export type Step = (typeof STEPS)[number];
export const REQUESTED_STEPS = [...STEPS, 'auto'] as const;
export type RequestedStep = (typeof REQUESTED_STEPS)[number];
type BucketStep = Exclude<Step, 'raw'>;

export const STEP_MS: Readonly<Record<BucketStep, number>> = { '1m': MINUTE_MS, '5m': 5 * MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS };
const STEP_LEVEL: Readonly<Record<BucketStep, RollupLevel>> = { '1m': 'minute', '5m': 'minute', '1h': 'hour', '1d': 'day' };
const BUCKET_STEPS: readonly BucketStep[] = ['1m', '5m', '1h', '1d'];

/** The longest range step=raw may ask for. */
export const RAW_MAX_RANGE_MS = 31 * DAY_MS;

/**
 * A minute's rollups are read only once it ended at least this long before the current minute
 * began: the run that samples a minute writes its rollups within 31 s of its end (its 90 s
 * timeout), so younger minutes are read from their ticks.
 */
export const ROLLUP_SETTLE_MS = 2 * MINUTE_MS;
export const settledBefore = (now: number): number => floorTo(now, MINUTE_MS) - ROLLUP_SETTLE_MS;

export interface HistoryCursor {
  from: number;
  to: number;
  /** the step asked for */
  step: RequestedStep;
  /** the step answered (what auto chose) */
  used: Step;
  /** `at` of the last point already returned */
  after: number;
}

export interface HistoryQuery {
  key: string;
  from: number;
  to: number;
  limit: number;
  step: RequestedStep;
  cursor?: HistoryCursor;
  signal?: AbortSignal;
  /** for the settled horizon; default Date.now() */
  now?: number;
}

export interface Bucket {
  /** the bucket's start, or `from` for a first bucket cut by it */
  at: number;
  aggregate: Aggregate;
}

export type HistoryPage = ({ step: 'raw'; records: SnapshotRecord[] } | { step: BucketStep; buckets: Bucket[] }) & {
  stats: HistoryStats;
  next: HistoryCursor | null;
};

interface Reader {
  store: SnapshotStore;
  key: string;
  settled: number;
  signal: AbortSignal | undefined;
}

const readOptions = (reader: Reader) => (reader.signal ? { signal: reader.signal } : {});

type Source = 'raw' | RollupLevel;
/** [from, to) read from one source */
export interface Segment {
  source: Source;
  from: number;
  to: number;
}

const TILE_ORDER: readonly Source[] = ['raw', 'minute', 'hour', 'day'];
const TILE_UNIT: Readonly<Record<Source, number>> = { raw: 1, minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** [a, b), aligned to TILE_ORDER[index]'s unit, as that unit's items with the coarser ones inside. */
const tileAligned = (a: number, b: number, index: number): Segment[] => {
  const source = TILE_ORDER[index] as Source;
  const coarser = TILE_ORDER[index + 1];
  if (coarser === undefined) return [{ source, from: a, to: b }];
  const unit = TILE_UNIT[coarser];
  const lo = ceilTo(a, unit);
  const hi = floorTo(b, unit);
  if (lo >= hi) return [{ source, from: a, to: b }];
  return [...(a < lo ? [{ source, from: a, to: lo }] : []), ...tileAligned(lo, hi, index + 1), ...(hi < b ? [{ source, from: hi, to: b }] : [])];
};

/**
 * The fewest items that cover [from, end): days, hours and minutes where they fit whole and are
 * settled, ticks elsewhere. Oldest first; adjacent tick segments joined.
 */
export const tileRange = (from: number, end: number, settled: number): Segment[] => {
  if (from >= end) return [];
  const cut = Math.min(end, Math.max(from, settled));
  const segments = cut > from ? tileAligned(from, cut, 0) : [];
  if (cut < end) segments.push({ source: 'raw', from: cut, to: end });
  const joined: Segment[] = [];
  for (const segment of segments) {
    const previous = joined[joined.length - 1];
    if (previous && previous.source === 'raw' && segment.source === 'raw' && previous.to === segment.from) previous.to = segment.to;
    else joined.push({ ...segment });
  }
  return joined;
};

const readSegment = async (reader: Reader, segment: Segment): Promise<Aggregate> => {
  const { store, key } = reader;
  if (segment.source === 'raw') return aggregateRecords(await readAllRecords(store, key, segment.from, segment.to - 1, readOptions(reader)));
  return combineRollups(await readAllRollups(store, segment.source, key, segment.from, segment.to - 1, readOptions(reader)));
};

/** What the ticks in [from, end) add up to, read from the tiling. */
const rangeAggregate = async (reader: Reader, from: number, end: number): Promise<Aggregate> =>
  combineAll(await Promise.all(tileRange(from, end, reader.settled).map((segment) => readSegment(reader, segment))));

/** Buckets of a step that meet [from, to]: an upper bound of its points (empty buckets are left out). */
export const bucketCount = (from: number, to: number, step: BucketStep): number =>
  floorTo(to, STEP_MS[step]) / STEP_MS[step] - floorTo(from, STEP_MS[step]) / STEP_MS[step] + 1;

/**
 * What auto answers: raw when the range (at most 31 days) holds at most `limit` ticks, else the
 * finest step with at most `limit` buckets over the range, else 1d (and pages).
 */
export const chooseStep = (from: number, to: number, limit: number, ticks: number): Step => {
  if (to - from <= RAW_MAX_RANGE_MS && ticks <= limit) return 'raw';
  return BUCKET_STEPS.find((step) => bucketCount(from, to, step) <= limit) ?? '1d';
};

const rawPage = async (reader: Reader, from: number, to: number, limit: number, after: number | undefined) => {
  const records: SnapshotRecord[] = [];
  let startAfter = after;
  // One past the page, to tell whether another follows; a Query answer stops at 1 MB, so keep reading.
  for (;;) {
    const page = await reader.store.queryRange(reader.key, from, to, {
      limit: limit + 1 - records.length,
      ...(startAfter === undefined ? {} : { startAfter }),
      ...readOptions(reader),
    });
    records.push(...page.records);
    if (page.lastAt === undefined || records.length > limit) break;
    startAfter = page.lastAt;
  }
  return { records: records.slice(0, limit), more: records.length > limit };
};

/** Collects a page of non-empty buckets; `add` answers false once a point past the page is known to exist. */
class BucketCollector {
  readonly buckets: Bucket[] = [];
  more = false;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  add(at: number, aggregate: Aggregate): boolean {
    if (isEmpty(aggregate)) return true;
    if (this.buckets.length === this.limit) {
      this.more = true;
      return false;
    }
    this.buckets.push({ at, aggregate });
    return true;
  }

  get room(): number {
    return this.limit - this.buckets.length;
  }
}

/**
 * Whole, settled buckets of `step` in [from, to) (both aligned), from the rollups of the step's
 * level: one item a bucket, or five minutes a 5m bucket. Reads only as far as the page needs.
 */
const wholeBuckets = async (reader: Reader, step: BucketStep, from: number, to: number, page: BucketCollector): Promise<void> => {
  const size = STEP_MS[step];
  const level = STEP_LEVEL[step];
  const perBucket = size / TILE_UNIT[level];
  let open: Bucket | undefined;
  let startAfter: number | undefined;
  for (;;) {
    const read = await reader.store.queryRollups(level, reader.key, from, to - 1, {
      // Enough for the rest of the page and one bucket more (each item is at least its bucket's first).
      limit: perBucket * (page.room + 1),
      ...(startAfter === undefined ? {} : { startAfter }),
      ...readOptions(reader),
    });
    for (const rollup of read.rollups) {
      const at = floorTo(rollup.at, size);
      if (open && open.at !== at) {
        if (!page.add(open.at, open.aggregate)) return;
        open = undefined;
      }
      // A rollup exists only for a bucket with ticks: a bucket that starts once the page is full is the point past it.
      if (!open && page.room === 0) {
        page.more = true;
        return;
      }
      open = open ? { at, aggregate: combine(open.aggregate, rollup) } : { at, aggregate: aggregateOf(rollup) };
    }
    if (read.lastAt === undefined) break;
    startAfter = read.lastAt;
  }
  if (open) page.add(open.at, open.aggregate);
};

const bucketPage = async (reader: Reader, step: BucketStep, from: number, to: number, limit: number, after: number | undefined) => {
  const size = STEP_MS[step];
  const end = to + 1;
  const page = new BucketCollector(limit);
  // Buckets before this are whole, inside the range and settled: their rollups are final.
  const wholeEnd = Math.min(floorTo(end, size), floorTo(reader.settled, size));
  let bucket = after === undefined ? floorTo(from, size) : floorTo(after, size) + size;
  while (bucket < end && !page.more) {
    const bucketEnd = bucket + size;
    if (bucket >= from && bucketEnd <= wholeEnd) {
      await wholeBuckets(reader, step, bucket, wholeEnd, page);
      bucket = wholeEnd;
    } else if (bucket >= reader.settled) {
      // Nothing here is rolled up for good yet: the ticks, read once (they stop at the present), bucket by bucket.
      const start = Math.max(bucket, from);
      const records = await readAllRecords(reader.store, reader.key, start, to, readOptions(reader));
      for (let index = 0; index < records.length; ) {
        const at = floorTo((records[index] as SnapshotRecord).at, size);
        let stop = index;
        while (stop < records.length && (records[stop] as SnapshotRecord).at < at + size) stop += 1;
        if (!page.add(Math.max(at, from), aggregateRecords(records.slice(index, stop)))) break;
        index = stop;
      }
      break;
    } else {
      // A bucket cut by from or to, or holding the settled horizon: as the stats are computed.
      const start = Math.max(bucket, from);
      if (!page.add(start, await rangeAggregate(reader, start, Math.min(bucketEnd, end)))) break;
      bucket = bucketEnd;
    }
  }
  return page;
};

/** One page of a target's history and the stats of its whole range. */
export const readHistory = async (store: SnapshotStore, query: HistoryQuery): Promise<HistoryPage> => {
  const { key, from, to, limit, cursor } = query;
  const reader: Reader = { store, key, settled: settledBefore(query.now ?? Date.now()), signal: query.signal };
  const statsRead = rangeAggregate(reader, from, to + 1).then(toStats);
  let used: Step;
  if (cursor) used = cursor.used;
  else if (query.step === 'auto') {
    const stats = await statsRead;
    used = chooseStep(from, to, limit, stats.samples + stats.gaps);
  } else used = query.step;
  const after = cursor?.after;
  const nextAfter = (at: number): HistoryCursor => ({ from, to, step: query.step, used, after: at });
  if (used === 'raw') {
    const [stats, page] = await Promise.all([statsRead, rawPage(reader, from, to, limit, after)]);
    const last = page.records[page.records.length - 1];
    return { step: 'raw', records: page.records, stats, next: page.more && last ? nextAfter(last.at) : null };
  }
  const [stats, page] = await Promise.all([statsRead, bucketPage(reader, used, from, to, limit, after)]);
  const last = page.buckets[page.buckets.length - 1];
  return { step: used, buckets: page.buckets, stats, next: page.more && last ? nextAfter(last.at) : null };
};

const CURSOR_PURPOSE = 'history';
const CURSOR_FIELDS = 'from,to,step,used,after';

/** The cursor text, bound to the target (not written in it) and to every field. */
export const encodeCursor = (key: string, cursor: HistoryCursor): string =>
  sealCursor(CURSOR_PURPOSE, { from: cursor.from, to: cursor.to, step: cursor.step, used: cursor.used, after: cursor.after }, [key]);

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Undefined for anything that is not, exactly, a cursor this API made for the same target. */
export const decodeCursor = (text: string, key: string): HistoryCursor | undefined => {
  const fields = openCursor(CURSOR_PURPOSE, text, [key]);
  if (!fields || Object.keys(fields).join() !== CURSOR_FIELDS) return undefined;
  const { from, to, step, used, after } = fields;
  if (!isCount(from) || !isCount(to) || !isCount(after) || from > after || after > to) return undefined;
  if (!(REQUESTED_STEPS as readonly unknown[]).includes(step) || !(STEPS as readonly unknown[]).includes(used)) return undefined;
  if (step !== 'auto' && step !== used) return undefined;
  return { from, to, step: step as RequestedStep, used: used as Step, after };
};
