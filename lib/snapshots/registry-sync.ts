import { log } from '#lib/log.ts';
import { inPool } from '#lib/pool.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { RateGate } from '#lib/upstream/rate-gate.ts';
import type { RegistryChange } from './collect-targets.ts';

// Writes the registry changes a run found (collect-targets) while it samples: a few at a time and at
// most REGISTRY_WRITES_PER_SECOND, so a big change (the first run after a deployment, with every
// discovered group new to the registry; thousands of configured rooms removed at once) can never
// take the run's CPU or the table from the sampling, and never past the run's write deadline. What
// is left undone is found again, and written, by the next run.

const WRITES_IN_FLIGHT = 8;
const REGISTRY_WRITES_PER_SECOND = 100;

export interface RegistrySyncResult {
  writes: number;
  failed: number;
  /** Changes left for the next run: the write deadline came first. */
  deferred: number;
}

export const syncRegistry = async (
  registry: TrackingRegistry,
  changes: RegistryChange[],
  now: number,
  giveUpAt: number,
  clock: () => number,
): Promise<RegistrySyncResult> => {
  const result: RegistrySyncResult = { writes: 0, failed: 0, deferred: 0 };
  const gate = new RateGate(REGISTRY_WRITES_PER_SECOND);
  const pastDeadline = () => {
    if (clock() < giveUpAt) return false;
    result.deferred += 1;
    return true;
  };
  await inPool(
    changes.map((change) => async () => {
      if (pastDeadline()) return;
      await gate.acquire();
      if (pastDeadline()) return;
      try {
        // Added first, so a target never disappears between two of its changes.
        for (const source of change.add) {
          await registry.addSource(change.target, source, null, now);
          result.writes += 1;
        }
        if (change.remove.length > 0) {
          await registry.removeSources(change.target, change.remove, now);
          result.writes += 1;
        }
      } catch (error) {
        result.failed += 1;
        log.error('a tracking registry change failed; the next run tries again', { target: change.target, error });
      }
    }),
    WRITES_IN_FLIGHT,
  );
  return result;
};
