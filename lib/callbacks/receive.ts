import { log } from '#lib/log.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';
import { applyCallbackEffect, type CallbackEffect, type RecentRenewals } from './effects.ts';

/**
 * Applies an authenticated event once: it is remembered first (a conditional write, so two
 * deliveries racing each other cannot both pass), and forgotten again if applying it fails, so
 * the provider's retry is not taken for a duplicate. Answers false for an event seen before.
 */
export const receiveOnce = async (
  registry: TrackingRegistry,
  event: { provider: string; id: string; rememberSeconds: number },
  effect: CallbackEffect,
  options: { idleMs: number; now: number; renewals: RecentRenewals },
): Promise<boolean> => {
  if (!(await registry.rememberEvent(event.provider, event.id, event.rememberSeconds, options.now))) return false;
  try {
    await applyCallbackEffect(registry, effect, options);
    return true;
  } catch (error) {
    await registry
      .forgetEvent(event.provider, event.id)
      .catch((forgetError: unknown) =>
        log.error('a failed callback could not be forgotten; its retry will be taken for a duplicate', { provider: event.provider, error: forgetError }),
      );
    throw error;
  }
};
