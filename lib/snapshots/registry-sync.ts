import { log } from '#lib/log.ts';
import { inPool } from '#lib/pool.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import type { RegistryChange } from './collect-targets.ts';

// Writes the registry changes a run found (collect-targets) while it samples: a few at a time, so
// the first run after a deployment (every discovered group new to the registry) cannot crowd out
// the snapshot writes, and never past the run's write deadline.

const WRITES_IN_FLIGHT = 8;

export interface RegistrySyncResult {
  writes: number;
  failed: number;
}

export const syncRegistry = async (
  registry: TrackingRegistry,
  changes: RegistryChange[],
  now: number,
  giveUpAt: number,
  clock: () => number,
): Promise<RegistrySyncResult> => {
  const result: RegistrySyncResult = { writes: 0, failed: 0 };
  await inPool(
    changes.map((change) => async () => {
      if (clock() >= giveUpAt) {
        result.failed += 1;
        return;
      }
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
