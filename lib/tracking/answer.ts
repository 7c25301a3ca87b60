import type { Target } from '#lib/snapshots/targets.ts';
import { activeSources, type TrackedTarget, trackedSince, trackedUntil } from './tracked-target.ts';

// How a tracked target appears in the API's answers (../shared/API.md, "Tracking").

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const targetIds = (target: Target) =>
  target.kind === 'group' ? { kind: 'group' as const, groupId: target.groupId } : { kind: 'room' as const, roomId: target.roomId, appId: target.appId };

export const trackingState = (tracked: TrackedTarget, now: number) => ({
  ...targetIds(tracked.target),
  sources: activeSources(tracked, now),
  since: iso(trackedSince(tracked, now)),
  expiresAt: iso(trackedUntil(tracked, now)),
});

/** The answer of PUT and DELETE .../tracking. */
export const trackingAnswer = (tracked: TrackedTarget, now: number) => {
  const state = trackingState(tracked, now);
  return { ...targetIds(tracked.target), tracked: state.sources.length > 0, sources: state.sources, since: state.since, expiresAt: state.expiresAt };
};
