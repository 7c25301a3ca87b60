import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { inPool } from '#lib/pool.ts';
import { type RetryPolicy, retrying } from '#lib/upstream/retry.ts';
import { type Aggregate, isEmpty, sameAggregate } from './aggregate.ts';
import { floorTo, inputsOf, LEVEL_MS, MINUTE_MS, ROLLUP_LEVELS, type RollupLevel } from './rollups.ts';
import type { Rollup, SnapshotRecord, SnapshotStore } from './store.ts';

// Step 5 of a run: once the run's writes are done, recompute the rollups of every (target,
// minute) it wrote into (a sample, a gap, or an attempt at one), then of their hours, then of
// their days, each from what is stored below it (rollups.ts says why that is exact and
// idempotent). A level is done for every target before the next starts; its items are written in
// batches of 25 and then read again, and those whose inputs changed meanwhile are written again
// until a read after the write agrees. This runs after the sampling, never beside it, with a
// bounded number of reads in flight, and gives up at the run's write deadline. Targets whose
// rollups could not be written are remembered by the container and recomputed by its next run.

export interface RollupMemory {
  /** target key → minute buckets whose rollups a run of this container could not write */
  unwritten: Map<string, Set<number>>;
}

export const emptyRollupMemory = (): RollupMemory => ({ unwritten: new Map() });

export interface RollupSummary {
  /** buckets recomputed, by level */
  minutes: number;
  hours: number;
  days: number;
  /** rollup items written (more than the buckets when a bucket's inputs changed while it was written) */
  writes: number;
  /** targets whose rollups could not all be written (kept for the next run) */
  failedTargets: number;
  /** targets an earlier run of this container left unwritten, recomputed by this one */
  carriedOver: number;
}

export class RollupUnsettled extends Error {
  constructor(level: RollupLevel, key: string, bucket: number) {
    super(`the ${level} rollup of ${key} at ${new Date(bucket).toISOString()} kept changing while it was written`);
    this.name = 'RollupUnsettled';
  }
}

/** Reads in flight at once (the SDK's connection pool holds 50). */
const DEFAULT_CONCURRENCY = 32;
/** Batches of rollups written at once. */
const WRITE_CONCURRENCY = 4;
const BATCH = 25;
/** Writes in a row before a bucket whose inputs never stop changing is given up on (and reported). */
const MAX_WRITES = 8;
// A failed read is tried again while the run's write deadline allows (writes retry in the store).
const READ_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };
const SUMMARY_FIELD = { minute: 'minutes', hour: 'hours', day: 'days' } as const;

interface Bucket {
  key: string;
  at: number;
  aggregate: Aggregate;
}

export class RollupWriter {
  readonly summary: RollupSummary = { minutes: 0, hours: 0, days: 0, writes: 0, failedTargets: 0, carriedOver: 0 };
  private readonly touchedMinutes = new Map<string, Set<number>>();
  private readonly failed = new Map<string, unknown>();
  private readonly store: SnapshotStore;
  private readonly giveUpAt: number;
  private readonly memory: RollupMemory;
  private readonly concurrency: number;
  private readonly clock: () => number;

  constructor(store: SnapshotStore, giveUpAt: number, options: { memory?: RollupMemory; concurrency?: number; clock?: () => number } = {}) {
    this.store = store;
    this.giveUpAt = giveUpAt;
    this.memory = options.memory ?? emptyRollupMemory();
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.clock = options.clock ?? Date.now;
  }

  /** Notes the minutes these records fall in; call it for every record the run tries to write. */
  touched(records: readonly SnapshotRecord[]): void {
    for (const record of records) this.note(record.key, floorTo(record.at, MINUTE_MS));
  }

  private note(key: string, minute: number): void {
    let minutes = this.touchedMinutes.get(key);
    if (!minutes) {
      minutes = new Set();
      this.touchedMinutes.set(key, minutes);
    }
    minutes.add(minute);
  }

  /** Recomputes every touched minute, hour and day; answers the failures (one per target at most). */
  async settle(): Promise<unknown[]> {
    for (const [key, minutes] of this.memory.unwritten) {
      this.summary.carriedOver += 1;
      for (const minute of minutes) this.note(key, minute);
    }
    this.memory.unwritten.clear();
    for (const level of ROLLUP_LEVELS) {
      const unit = LEVEL_MS[level];
      const buckets: Array<{ key: string; at: number }> = [];
      for (const [key, minutes] of this.touchedMinutes) {
        if (this.failed.has(key)) continue;
        for (const at of new Set([...minutes].map((minute) => floorTo(minute, unit)))) buckets.push({ key, at });
      }
      await this.recomputeLevel(level, buckets);
    }
    for (const [key, error] of this.failed) {
      this.summary.failedTargets += 1;
      this.memory.unwritten.set(key, this.touchedMinutes.get(key) ?? new Set());
      log.warn('rollups of a target could not be written; the next run of this container tries again', { key, error });
    }
    return [...this.failed.values()];
  }

  private fail(key: string, error: unknown): void {
    if (!this.failed.has(key)) this.failed.set(key, error);
  }

  /** The buckets' inputs as stored now (strongly consistent); a target whose read fails is dropped. */
  private async readInputs(level: RollupLevel, buckets: ReadonlyArray<{ key: string; at: number }>): Promise<Bucket[]> {
    const read = await inPool(
      buckets.map(({ key, at }) => async (): Promise<Bucket | undefined> => {
        if (this.failed.has(key)) return undefined;
        try {
          const aggregate = await retrying(() => inputsOf(this.store, level, key, at, { consistent: true }), {
            policy: READ_RETRY,
            deadline: new Deadline(this.giveUpAt, this.clock),
            isRetryable: () => true,
          });
          return { key, at, aggregate };
        } catch (error) {
          this.fail(key, error);
          return undefined;
        }
      }),
      this.concurrency,
    );
    return read.filter((bucket): bucket is Bucket => bucket !== undefined);
  }

  /** Writes buckets in batches; a target in a batch that cannot be written is dropped. Answers what was written. */
  private async write(level: RollupLevel, buckets: Bucket[]): Promise<Bucket[]> {
    const batches = Array.from({ length: Math.ceil(buckets.length / BATCH) }, (_, index) => buckets.slice(index * BATCH, index * BATCH + BATCH));
    const written = await inPool(
      batches.map((batch) => async (): Promise<Bucket[]> => {
        const live = batch.filter((bucket) => !this.failed.has(bucket.key));
        const rollups: Rollup[] = live.map(({ key, at, aggregate }) => ({ level, key, at, ...aggregate }));
        try {
          await this.store.putRollups(rollups, this.giveUpAt);
          return live;
        } catch (error) {
          for (const bucket of live) this.fail(bucket.key, error);
          return [];
        }
      }),
      WRITE_CONCURRENCY,
    );
    return written.flat();
  }

  private async recomputeLevel(level: RollupLevel, buckets: ReadonlyArray<{ key: string; at: number }>): Promise<void> {
    // Nothing stored under a bucket (ticks are never deleted while their minute can change): nothing to write.
    let pending = (await this.readInputs(level, buckets)).filter((bucket) => !isEmpty(bucket.aggregate));
    this.summary[SUMMARY_FIELD[level]] += pending.length;
    for (let writes = 0; pending.length > 0; writes += 1) {
      if (writes === MAX_WRITES) {
        for (const bucket of pending) this.fail(bucket.key, new RollupUnsettled(level, bucket.key, bucket.at));
        return;
      }
      const written = await this.write(level, pending);
      this.summary.writes += written.length;
      // Read again after writing: a bucket whose inputs changed meanwhile is written again.
      const again = await this.readInputs(level, written);
      const figures = new Map(written.map((bucket) => [`${bucket.key}\n${bucket.at}`, bucket.aggregate]));
      pending = again.filter((bucket) => !sameAggregate(bucket.aggregate, figures.get(`${bucket.key}\n${bucket.at}`) as Aggregate));
    }
  }
}
