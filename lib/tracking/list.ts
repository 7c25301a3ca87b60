import { inPool } from '#lib/pool.ts';
import { groupPoint, roomPoint } from '#lib/snapshots/history-points.ts';
import type { SnapshotStore } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { trackingState } from './answer.ts';
import type { TargetKind, TrackingRegistry } from './registry.ts';
import { isTracked, type TrackedTarget } from './tracked-target.ts';

// GET /v1/tracking: a page of the targets in force, groups before rooms, each with its newest
// stored point (one Query of one item per target, a few at a time: never a scan).

export interface ListCursor {
  kind: TargetKind;
  /** The key of the last target already listed. */
  after: string;
}

const KINDS: readonly TargetKind[] = ['group', 'room'];
const LATEST_READS_IN_FLIGHT = 16;

export const listTracked = async (
  registry: TrackingRegistry,
  query: { kind: TargetKind | undefined; limit: number; cursor: ListCursor | undefined; now: number; signal?: AbortSignal },
): Promise<{ targets: TrackedTarget[]; next: ListCursor | null }> => {
  const kinds = query.kind ? [query.kind] : KINDS;
  const targets: TrackedTarget[] = [];
  const first = query.cursor ? kinds.indexOf(query.cursor.kind) : 0;
  let after = query.cursor?.after;
  for (const kind of kinds.slice(first)) {
    for (;;) {
      const page = await registry.page(kind, { limit: query.limit - targets.length + 1, after, ...(query.signal ? { signal: query.signal } : {}) });
      for (const item of page.items) {
        if (!isTracked(item, query.now)) continue;
        if (targets.length === query.limit) return { targets, next: { kind, after: targetKey((targets[targets.length - 1] as TrackedTarget).target) } };
        targets.push(item);
      }
      if (page.after === undefined) break;
      after = page.after;
    }
    after = undefined;
  }
  return { targets, next: null };
};

/** The answer of GET /v1/tracking: each target's state and its newest point, or null before the first. */
export const trackingListAnswer = async (
  store: SnapshotStore,
  listed: { targets: TrackedTarget[]; next: ListCursor | null },
  now: number,
  encode: (cursor: ListCursor) => string,
  signal?: AbortSignal,
) => {
  const latest = await inPool(
    listed.targets.map((tracked) => () => store.latest(targetKey(tracked.target), signal ? { signal } : {})),
    LATEST_READS_IN_FLIGHT,
  );
  return {
    targets: listed.targets.map((tracked, index) => {
      const record = latest[index];
      const lastSample = record === undefined ? null : tracked.target.kind === 'group' ? groupPoint(record) : roomPoint(record);
      return { ...trackingState(tracked, now), lastSample };
    }),
    nextCursor: listed.next ? encode(listed.next) : null,
  };
};

export const encodeListCursor = (cursor: ListCursor): string => Buffer.from(JSON.stringify([cursor.kind, cursor.after]), 'utf8').toString('base64url');

/** Undefined for anything that is not a cursor of this listing (or of another kind filter). */
export const decodeListCursor = (text: string, kind: TargetKind | undefined): ListCursor | undefined => {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [cursorKind, after] = parsed as [unknown, unknown];
  if (!KINDS.includes(cursorKind as TargetKind) || (kind !== undefined && cursorKind !== kind)) return undefined;
  if (typeof after !== 'string' || after.length === 0 || after.length > 600) return undefined;
  return { kind: cursorKind as TargetKind, after };
};
