import { log } from '#lib/log.ts';
import type { Target } from '#lib/snapshots/targets.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import type { TrackingRegistry } from '#lib/tracking/registry.ts';

// What a callback does to the registry: start or renew the `callback` source of a target, or end
// it. Membership events come in bursts (every join and leave of a busy room, all written to one
// registry partition per kind), so a container renews one target at most every few minutes: the
// source lasts hours, and a renewal skipped moves its end by minutes at most. Starting and ending
// are always written.

export type CallbackEffect =
  | { action: 'track'; target: Target; renewal: boolean }
  | { action: 'untrack'; target: Target }
  | { action: 'ignore'; reason: string };

const RENEWAL_EVERY_MS = 5 * 60_000;
const REMEMBERED_RENEWALS = 10_000;

export class RecentRenewals {
  private readonly renewedAt = new Map<string, number>();

  due(key: string, now: number): boolean {
    const last = this.renewedAt.get(key);
    return last === undefined || now - last >= RENEWAL_EVERY_MS;
  }

  record(key: string, now: number): void {
    if (this.renewedAt.size >= REMEMBERED_RENEWALS) this.renewedAt.clear();
    this.renewedAt.set(key, now);
  }

  forget(key: string): void {
    this.renewedAt.delete(key);
  }
}

export const applyCallbackEffect = async (
  registry: TrackingRegistry,
  effect: CallbackEffect,
  options: { idleMs: number; now: number; renewals: RecentRenewals },
): Promise<void> => {
  const { now, renewals } = options;
  if (effect.action === 'ignore') {
    log.debug('callback ignored', { reason: effect.reason });
    return;
  }
  const key = targetKey(effect.target);
  if (effect.action === 'untrack') {
    renewals.forget(key);
    await registry.removeSources(effect.target, ['callback'], now);
    return;
  }
  if (effect.renewal && !renewals.due(key, now)) return;
  await registry.addSource(effect.target, 'callback', now + options.idleMs, now);
  if (effect.renewal) renewals.record(key, now);
};
