import type { Deadline } from '#lib/deadline.ts';
import { fetchOnlineCount } from '#lib/groups/online-count.ts';
import type { Target } from '#lib/snapshots/targets.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TrackingRegistry } from './registry.ts';
import type { TrackedTarget } from './tracked-target.ts';

// What PUT and DELETE .../tracking do: the `api` source of one target.

const HOUR_MS = 3_600_000;

/**
 * Starts (or renews) tracking by the API. A group is checked upstream once first, so a typo or a
 * group that is not live-stream answers 404 or 403 now rather than filling the table with gaps.
 */
export const trackByApi = async (
  registry: TrackingRegistry,
  target: Target,
  options: { ttlHours: number | undefined; now: number; tencent?: TencentChatClient; deadline: Deadline },
): Promise<TrackedTarget> => {
  if (target.kind === 'group') {
    if (!options.tencent) throw new TypeError('tracking a group needs a Tencent client to check it');
    await fetchOnlineCount(options.tencent, target.groupId, options.deadline);
  }
  const expiresAt = options.ttlHours === undefined ? null : options.now + options.ttlHours * HOUR_MS;
  return registry.addSource(target, 'api', expiresAt, options.now);
};

export const untrackByApi = (registry: TrackingRegistry, target: Target, now: number): Promise<TrackedTarget> => registry.removeSources(target, ['api'], now);
