import type { GroupValues, RoomValues, SnapshotRecord } from './store.ts';

// What a run of ticks adds up to: the one aggregate behind the rollups, the stats and the points
// of a stepped history. Records and aggregates are always taken oldest first, which is what
// makes `maxAt` (the earliest tick of the maximum) and `last` come out the same however a range
// is cut into pieces: combining the pieces in time order gives what one pass over the ticks gives.

export interface Aggregate {
  /** ticks with a sample */
  samples: number;
  /** ticks stored as a gap */
  gaps: number;
  /** sum of the samples (whole numbers: exact far beyond any real total) */
  sum: number;
  /** null when there are no samples, as are max, maxAt and last */
  min: number | null;
  max: number | null;
  /** the earliest tick holding the maximum, epoch ms */
  maxAt: number | null;
  /** the latest sample */
  last: number | null;
}

export interface HistoryStats {
  samples: number;
  gaps: number;
  peak: number | null;
  peakAt: string | null;
  min: number | null;
  avg: number | null;
}

export const emptyAggregate = (): Aggregate => ({ samples: 0, gaps: 0, sum: 0, min: null, max: null, maxAt: null, last: null });

/** The value the history endpoints measure: a group's onlineCount, a room's totalUsers; undefined for a gap. */
export const measuredValue = (record: SnapshotRecord): number | undefined => {
  if (record.gap !== undefined || !record.values) return undefined;
  return 'onlineCount' in record.values ? (record.values as GroupValues).onlineCount : (record.values as RoomValues).totalUsers;
};

/** Adds one tick, later than every tick already in `into` (mutates `into`). */
export const addTick = (into: Aggregate, at: number, value: number | undefined): void => {
  if (value === undefined) {
    into.gaps += 1;
    return;
  }
  into.samples += 1;
  into.sum += value;
  if (into.max === null || value > into.max) {
    into.max = value;
    into.maxAt = at;
  }
  if (into.min === null || value < into.min) into.min = value;
  into.last = value;
};

/** One pass over records, oldest first. */
export const aggregateRecords = (records: readonly SnapshotRecord[], measure: (record: SnapshotRecord) => number | undefined = measuredValue): Aggregate => {
  const total = emptyAggregate();
  for (const record of records) addTick(total, record.at, record.gap === undefined ? measure(record) : undefined);
  return total;
};

/** `earlier` followed by `later` (every tick of `earlier` before every tick of `later`). */
export const combine = (earlier: Aggregate, later: Aggregate): Aggregate => {
  const gaps = earlier.gaps + later.gaps;
  if (later.samples === 0)
    return { samples: earlier.samples, gaps, sum: earlier.sum, min: earlier.min, max: earlier.max, maxAt: earlier.maxAt, last: earlier.last };
  if (earlier.samples === 0) return { samples: later.samples, gaps, sum: later.sum, min: later.min, max: later.max, maxAt: later.maxAt, last: later.last };
  // Strictly greater: on a tie the earlier tick keeps the peak, as in one pass over the ticks.
  const laterPeaks = (later.max as number) > (earlier.max as number);
  return {
    samples: earlier.samples + later.samples,
    gaps,
    sum: earlier.sum + later.sum,
    min: Math.min(earlier.min as number, later.min as number),
    max: laterPeaks ? later.max : earlier.max,
    maxAt: laterPeaks ? later.maxAt : earlier.maxAt,
    last: later.last,
  };
};

export const combineAll = (parts: readonly Aggregate[]): Aggregate => parts.reduce(combine, emptyAggregate());

export const sameAggregate = (a: Aggregate, b: Aggregate): boolean =>
  a.samples === b.samples && a.gaps === b.gaps && a.sum === b.sum && a.min === b.min && a.max === b.max && a.maxAt === b.maxAt && a.last === b.last;

export const isEmpty = (aggregate: Aggregate): boolean => aggregate.samples === 0 && aggregate.gaps === 0;

const average = (aggregate: Aggregate): number | null => (aggregate.samples === 0 ? null : Math.round((aggregate.sum / aggregate.samples) * 100) / 100);

export const toStats = (aggregate: Aggregate): HistoryStats => ({
  samples: aggregate.samples,
  gaps: aggregate.gaps,
  peak: aggregate.max,
  peakAt: aggregate.maxAt === null ? null : new Date(aggregate.maxAt).toISOString(),
  min: aggregate.min,
  avg: average(aggregate),
});

/** A point of a stepped history: one bucket, starting at `at`. */
export interface BucketPoint {
  at: string;
  samples: number;
  gaps: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  last: number | null;
}

export const toBucketPoint = (at: number, aggregate: Aggregate): BucketPoint => ({
  at: new Date(at).toISOString(),
  samples: aggregate.samples,
  gaps: aggregate.gaps,
  min: aggregate.min,
  max: aggregate.max,
  avg: average(aggregate),
  last: aggregate.last,
});
