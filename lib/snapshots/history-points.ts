import type { GroupValues, RoomValues, SnapshotRecord } from './store.ts';

// How stored ticks appear in the history answers (step=raw). A gap is a point too, with null
// values and its reason, so a missing sample shows as such instead of a silent hole. The values
// the stats and stepped points measure are in aggregate.ts (measuredValue).

const iso = (at: number): string => new Date(at).toISOString();

export const groupPoint = (record: SnapshotRecord) =>
  record.gap !== undefined
    ? { at: iso(record.at), onlineCount: null, gap: record.gap }
    : { at: iso(record.at), onlineCount: (record.values as GroupValues).onlineCount };

export const roomPoint = (record: SnapshotRecord) =>
  record.gap !== undefined
    ? { at: iso(record.at), totalUsers: null, totalInvisibleUsers: null, gap: record.gap }
    : { at: iso(record.at), totalUsers: (record.values as RoomValues).totalUsers, totalInvisibleUsers: (record.values as RoomValues).totalInvisibleUsers };
