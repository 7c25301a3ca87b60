import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { inPool } from '#lib/pool.ts';
import { type RetryPolicy, retrying } from '#lib/upstream/retry.ts';
import { floorTo, LEVEL_MS, MINUTE_MS, parentLevel, type RollupLevel, RollupUnsettled, recomputeRollup } from './rollups.ts';
import type { SnapshotRecord, SnapshotStore } from './store.ts';

// Step 5 of a run: once the run's writes are done, recompute the rollups of every (target,
// minute) it wrote into (a sample, a gap, or an attempt at one), then of their hours, then of
// their days (rollups.ts says why that is exact and idempotent). This runs after the sampling,
// never beside it, with a bounded number of targets in flight, and gives up at the run's write
// deadline. Targets whose rollups could not be written are remembered by the container and
// recomputed first by its next run.

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

/** Targets whose rollups are recomputed at once. Each keeps one request in flight at a time. */
const DEFAULT_CONCURRENCY = 32;
// A failed recomputation is tried again while the run's write deadline allows.
const RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2000 };

export class RollupWriter {
  readonly summary: RollupSummary = { minutes: 0, hours: 0, days: 0, writes: 0, failedTargets: 0, carriedOver: 0 };
  private readonly touchedMinutes = new Map<string, Set<number>>();
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
    const failures: unknown[] = [];
    const targets = [...this.touchedMinutes.entries()];
    await inPool(
      targets.map(([key, minutes]) => async () => {
        try {
          await this.recomputeTarget(key, minutes);
        } catch (error) {
          this.summary.failedTargets += 1;
          this.memory.unwritten.set(key, minutes);
          failures.push(error);
          log.warn('rollups of a target could not be written; the next run of this container tries again', { key, error });
        }
      }),
      this.concurrency,
    );
    return failures;
  }

  /** Minutes first, then the hours they are in, then the days: each level is read from the one below. */
  private async recomputeTarget(key: string, minutes: Set<number>): Promise<void> {
    let buckets = [...minutes].sort((a, b) => a - b);
    for (let level: RollupLevel | undefined = 'minute'; level !== undefined; level = parentLevel(level)) {
      const unit = LEVEL_MS[level];
      buckets = [...new Set(buckets.map((bucket) => floorTo(bucket, unit)))];
      for (const bucket of buckets) {
        const current: RollupLevel = level;
        this.summary.writes += await retrying(() => recomputeRollup(this.store, current, key, bucket, this.giveUpAt), {
          policy: RETRY_POLICY,
          deadline: new Deadline(this.giveUpAt, this.clock),
          isRetryable: (error) => !(error instanceof RollupUnsettled),
        });
        this.summary[level === 'minute' ? 'minutes' : level === 'hour' ? 'hours' : 'days'] += 1;
      }
    }
  }
}
