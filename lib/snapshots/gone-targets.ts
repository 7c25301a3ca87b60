import { type Target, targetKey } from './targets.ts';

// Tracked targets that are gone upstream (a group Tencent no longer knows, a room Volcengine says
// does not exist) stop costing calls: after `dropAfterTicks` such ticks in a row, the run ends
// their `api` and `callback` sources. Configured and discovered targets are left alone: their
// gaps are what the operator asked to see. The count outlives one run (ticks in a row may span
// two), kept in memory the caller owns.

export interface GoneMemory {
  ticksGone: Map<string, number>;
}

export const emptyGoneMemory = (): GoneMemory => ({ ticksGone: new Map() });

export class GoneTargets {
  private readonly memory: GoneMemory;
  private readonly dropAfterTicks: number;
  private readonly onGone: (target: Target) => void;

  constructor(memory: GoneMemory, dropAfterTicks: number, onGone: (target: Target) => void) {
    this.memory = memory;
    this.dropAfterTicks = dropAfterTicks;
    this.onGone = onGone;
  }

  /** One tick's outcome for a target: gone, or there. Ticks that failed otherwise say nothing. */
  observe(target: Target, gone: boolean): void {
    const key = targetKey(target);
    if (!gone) {
      this.memory.ticksGone.delete(key);
      return;
    }
    const ticks = (this.memory.ticksGone.get(key) ?? 0) + 1;
    this.memory.ticksGone.set(key, ticks);
    if (ticks >= this.dropAfterTicks) this.onGone(target);
  }
}
