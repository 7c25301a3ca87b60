import type { BroadcastMode } from '#lib/config/snapshots.ts';
import type { Deadline } from '#lib/deadline.ts';
import { gapReason } from './gap-reason.ts';
import type { GroupValues, RoomValues, SnapshotStore } from './store.ts';
import { type Target, targetKey } from './targets.ts';

// After each sample, the count goes to the room's own audience (Tencent's guidance: query every
// 10 s and synchronise to all users in the group), so no client has to poll. `changed` pushes a
// count that differs from the last one pushed, and an unchanged one once a heartbeat; `always`
// pushes every sample. The last push is remembered per container and, in a fresh container, read
// from the table (a pushed sample is stored with `pushed`), so recycling a container does not
// push a count the audience already has.

export type Values = GroupValues | RoomValues;

export interface PushSummary {
  sent: number;
  unchanged: number;
  failed: Record<string, number>;
}

export const emptyPushSummary = (): PushSummary => ({ sent: 0, unchanged: 0, failed: {} });

/** The last push of each target, in memory for as long as the container lives. */
export interface PushMemory {
  lastPushed: Map<string, { values: Values; at: number } | null>;
}

export const emptyPushMemory = (): PushMemory => ({ lastPushed: new Map() });

export type Push = (target: Target, values: Values, tick: number, deadline: Deadline) => Promise<void>;

const sameValues = (a: Values, b: Values): boolean =>
  'onlineCount' in a && 'onlineCount' in b
    ? a.onlineCount === b.onlineCount
    : 'totalUsers' in a && 'totalUsers' in b && a.totalUsers === b.totalUsers && a.totalInvisibleUsers === b.totalInvisibleUsers;

export class AudienceSync {
  readonly summary = emptyPushSummary();
  private readonly mode: BroadcastMode;
  private readonly heartbeatMs: number;
  private readonly push: Push;
  private readonly memory: PushMemory;
  private readonly store: SnapshotStore;

  constructor(options: { mode: BroadcastMode; heartbeatMs: number; push: Push; memory: PushMemory; store: SnapshotStore }) {
    this.mode = options.mode;
    this.heartbeatMs = options.heartbeatMs;
    this.push = options.push;
    this.memory = options.memory;
    this.store = options.store;
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  private async lastPushed(key: string): Promise<{ values: Values; at: number } | null> {
    const remembered = this.memory.lastPushed.get(key);
    if (remembered !== undefined) return remembered;
    const stored = await this.store.latestPushed(key).catch(() => undefined);
    const last = stored?.values ? { values: stored.values, at: stored.at } : null;
    this.memory.lastPushed.set(key, last);
    return last;
  }

  /** Pushes this tick's values when the mode says so; answers whether they were pushed. A failure is counted, never thrown. */
  async afterSample(target: Target, values: Values, tick: number, deadline: Deadline): Promise<boolean> {
    if (!this.enabled) return false;
    const key = targetKey(target);
    try {
      if (this.mode === 'changed') {
        const last = await this.lastPushed(key);
        if (last && sameValues(last.values, values) && tick - last.at < this.heartbeatMs) {
          this.summary.unchanged += 1;
          return false;
        }
      }
      await this.push(target, values, tick, deadline);
      this.memory.lastPushed.set(key, { values, at: tick });
      this.summary.sent += 1;
      return true;
    } catch (error) {
      const reason = gapReason(error);
      this.summary.failed[reason] = (this.summary.failed[reason] ?? 0) + 1;
      return false;
    }
  }
}
