import type { Aggregate } from './aggregate.ts';
import type { RollupLevel } from './rollups.ts';

// Storage for snapshots and their rollups, behind an interface so the run and the history logic
// do not depend on DynamoDB; the adapter is in store-dynamodb.ts.

export interface GroupValues {
  onlineCount: number;
}

export interface RoomValues {
  totalUsers: number;
  totalInvisibleUsers: number;
}

export interface SnapshotRecord {
  /** targetKey() of the group or room */
  key: string;
  /** tick start, epoch ms */
  at: number;
  values?: GroupValues | RoomValues;
  /** why no sample could be taken for this tick */
  gap?: string;
  /** the sample was pushed to the room's audience */
  pushed?: boolean;
}

export interface RangePage {
  records: SnapshotRecord[];
  /** `at` of the last record read when more may follow */
  lastAt: number | undefined;
}

/** The aggregate of one target over one minute, hour or day (rollups.ts). */
export interface Rollup extends Aggregate {
  level: RollupLevel;
  /** targetKey() of the group or room */
  key: string;
  /** bucket start, epoch ms (UTC-aligned) */
  at: number;
}

export interface RollupPage {
  rollups: Rollup[];
  /** `at` of the last rollup read when more may follow */
  lastAt: number | undefined;
}

export interface ReadOptions {
  limit?: number;
  startAfter?: number;
  signal?: AbortSignal;
  /** a strongly consistent read: sees every write that succeeded before it */
  consistent?: boolean;
}

export interface SnapshotStore {
  /** Writes samples; a sample for a (target, tick) that exists replaces it, so it is stored once. */
  putSamples(records: SnapshotRecord[], giveUpAt: number): Promise<void>;
  /** Writes gaps only where nothing is stored yet: a retried run must not hide a sample behind a gap. */
  putGapsIfAbsent(records: SnapshotRecord[], giveUpAt: number): Promise<number>;
  /** The newest sample of one target that was pushed to its audience, among its last few records. */
  latestPushed(key: string): Promise<SnapshotRecord | undefined>;
  /** The newest record of one target (a sample or a gap), if any. */
  latest(key: string, options?: { signal?: AbortSignal }): Promise<SnapshotRecord | undefined>;
  /** Records of one target with from <= at <= to, oldest first. */
  queryRange(key: string, fromMs: number, toMs: number, options: ReadOptions): Promise<RangePage>;
  /** Rollups of one target and level with from <= at <= to, oldest first. */
  queryRollups(level: RollupLevel, key: string, fromMs: number, toMs: number, options: ReadOptions): Promise<RollupPage>;
  /** Writes rollups whole: one that exists for the same (target, level, bucket) is replaced. */
  putRollups(rollups: Rollup[], giveUpAt: number): Promise<void>;
}
