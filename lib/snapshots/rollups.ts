import { type Aggregate, aggregateRecords, combine, combineAll, emptyAggregate } from './aggregate.ts';
import type { ReadOptions, Rollup, SnapshotRecord, SnapshotStore } from './store.ts';

// Rollups: per target, the aggregate of every minute, hour and day that holds a tick, kept in the
// snapshot table beside the ticks (partitions M#, H#, D# + the target key; sort key: the bucket's
// start). A minute is computed from the ticks stored in it, an hour from its minutes, a day from
// its hours: always whole, from what is stored, never by adding to what is there. So a retried or
// overlapping run that writes a tick again, or a gap that becomes a sample, can only make the next
// recomputation come out right; nothing is ever counted twice.
//
// Writers can race: run A reads a minute, run B writes a tick into it and writes the minute, then
// A's older figure lands last. So a writer reads the bucket's inputs again after each write, and
// writes again until the inputs it read before and after its write agree (rollup-writer.ts). The
// last write of any bucket is then followed by a read that agrees with it, made after every write
// to the bucket's inputs: whoever wrote an input last recomputes the bucket after it, and ends only
// on a read taken after its own last write. Reads are strongly consistent.

export const ROLLUP_LEVELS = ['minute', 'hour', 'day'] as const;
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const LEVEL_MS: Readonly<Record<RollupLevel, number>> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };
const PARTITION_PREFIX: Readonly<Record<RollupLevel, string>> = { minute: 'M', hour: 'H', day: 'D' };
const CHILD: Readonly<Record<RollupLevel, RollupLevel | undefined>> = { minute: undefined, hour: 'minute', day: 'hour' };

/** The partition key of a target's rollups of one level (ticks are under the bare target key). */
export const rollupPartition = (level: RollupLevel, key: string): string => `${PARTITION_PREFIX[level]}#${key}`;

export const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;
export const ceilTo = (ms: number, unit: number): number => Math.ceil(ms / unit) * unit;

/** Every record of one target with from <= at <= to, oldest first, across Query pages. */
export const readAllRecords = async (store: SnapshotStore, key: string, from: number, to: number, options: ReadOptions = {}): Promise<SnapshotRecord[]> => {
  const records: SnapshotRecord[] = [];
  let after: number | undefined;
  do {
    const page = await store.queryRange(key, from, to, { ...options, ...(after === undefined ? {} : { startAfter: after }) });
    records.push(...page.records);
    after = page.lastAt;
  } while (after !== undefined);
  return records;
};

/** Every rollup of one target and level with from <= at <= to, oldest first, across Query pages. */
export const readAllRollups = async (
  store: SnapshotStore,
  level: RollupLevel,
  key: string,
  from: number,
  to: number,
  options: ReadOptions = {},
): Promise<Rollup[]> => {
  const rollups: Rollup[] = [];
  let after: number | undefined;
  do {
    const page = await store.queryRollups(level, key, from, to, { ...options, ...(after === undefined ? {} : { startAfter: after }) });
    rollups.push(...page.rollups);
    after = page.lastAt;
  } while (after !== undefined);
  return rollups;
};

/** The figures of a rollup, without its level, key and bucket. */
export const aggregateOf = (rollup: Rollup): Aggregate => {
  const { samples, gaps, sum, min, max, maxAt, last } = rollup;
  return { samples, gaps, sum, min, max, maxAt, last };
};

export const combineRollups = (rollups: readonly Rollup[]): Aggregate => combineAll(rollups.map(aggregateOf));

/** What a bucket's inputs add up to now: the ticks of a minute, the minutes of an hour, the hours of a day. */
export const inputsOf = async (store: SnapshotStore, level: RollupLevel, key: string, bucket: number, options: ReadOptions = {}): Promise<Aggregate> => {
  const last = bucket + LEVEL_MS[level] - 1;
  const child = CHILD[level];
  if (child === undefined) return aggregateRecords(await readAllRecords(store, key, bucket, last, options));
  return combineRollups(await readAllRollups(store, child, key, bucket, last, options));
};

/**
 * Every rollup of one target built from its records at once (oldest first): the same figures a run
 * writes bucket by bucket, for bulk loads (the bench, a backfill), written with putRollups.
 */
export const rollupsOfRecords = (key: string, records: readonly SnapshotRecord[]): Rollup[] => {
  const rollups: Rollup[] = [];
  let below: Rollup[] = [];
  for (const level of ROLLUP_LEVELS) {
    const unit = LEVEL_MS[level];
    const byBucket = new Map<number, Aggregate>();
    if (level === 'minute') {
      let start = 0;
      // Records are oldest first, so each minute's records are one run of the list.
      while (start < records.length) {
        const bucket = floorTo((records[start] as SnapshotRecord).at, unit);
        let end = start;
        while (end < records.length && (records[end] as SnapshotRecord).at < bucket + unit) end += 1;
        byBucket.set(bucket, aggregateRecords(records.slice(start, end)));
        start = end;
      }
    } else {
      for (const child of below) {
        const bucket = floorTo(child.at, unit);
        byBucket.set(bucket, combine(byBucket.get(bucket) ?? emptyAggregate(), aggregateOf(child)));
      }
    }
    below = [...byBucket.entries()].map(([at, aggregate]) => ({ level, key, at, ...aggregate }));
    rollups.push(...below);
  }
  return rollups;
};
