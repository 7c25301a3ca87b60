import type { Target } from '#lib/snapshots/targets.ts';

// A target of the tracking registry and why it is watched. Each source has its own start and
// expiry: a callback source lapses after trackingIdleHours without events, an API source after the
// caller's ttlHours (or never), while discovery and configuration last as long as they list it.

export const TRACKING_SOURCES = ['discovery', 'config', 'api', 'callback'] as const;
export type TrackingSource = (typeof TRACKING_SOURCES)[number];

export interface SourceEntry {
  since: number;
  /** null: until it is removed. */
  expiresAt: number | null;
}

export interface TrackedTarget {
  target: Target;
  sources: Partial<Record<TrackingSource, SourceEntry>>;
}

const isActive = (entry: SourceEntry | undefined, now: number): entry is SourceEntry =>
  entry !== undefined && (entry.expiresAt === null || entry.expiresAt > now);

export const activeSources = (tracked: TrackedTarget, now: number): TrackingSource[] =>
  TRACKING_SOURCES.filter((source) => isActive(tracked.sources[source], now));

export const isTracked = (tracked: TrackedTarget, now: number): boolean => activeSources(tracked, now).length > 0;

/** When the earliest source still in force began; null when none is. */
export const trackedSince = (tracked: TrackedTarget, now: number): number | null => {
  const starts = activeSources(tracked, now).map((source) => (tracked.sources[source] as SourceEntry).since);
  return starts.length === 0 ? null : Math.min(...starts);
};

/** When the last source lapses; null when one lasts until removed (or when none is in force). */
export const trackedUntil = (tracked: TrackedTarget, now: number): number | null => {
  const ends = activeSources(tracked, now).map((source) => (tracked.sources[source] as SourceEntry).expiresAt);
  if (ends.length === 0 || ends.includes(null)) return null;
  return Math.max(...(ends as number[]));
};

/** The same target with a source added or renewed; a lapsed source starts again from now. */
export const withSource = (tracked: TrackedTarget, source: TrackingSource, expiresAt: number | null, now: number): TrackedTarget => {
  const current = tracked.sources[source];
  const since = isActive(current, now) ? current.since : now;
  return { target: tracked.target, sources: { ...tracked.sources, [source]: { since, expiresAt } } };
};

export const withoutSources = (tracked: TrackedTarget, sources: readonly TrackingSource[]): TrackedTarget => ({
  target: tracked.target,
  sources: Object.fromEntries(Object.entries(tracked.sources).filter(([source]) => !sources.includes(source as TrackingSource))),
});
