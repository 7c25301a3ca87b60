import type { GroupValues, RoomValues, SnapshotRecord } from './store.ts';

// How stored records appear in the history answers. A gap is a point too, with null values and
// its reason, so a missing sample shows as such instead of a silent hole.

const iso = (at: number): string => new Date(at).toISOString();

export const groupPoint = (record: SnapshotRecord) =>
  record.gap !== undefined
    ? { at: iso(record.at), onlineCount: null, gap: record.gap }
    : { at: iso(record.at), onlineCount: (record.values as GroupValues).onlineCount };

export const roomPoint = (record: SnapshotRecord) =>
  record.gap !== undefined
    ? { at: iso(record.at), totalUsers: null, totalInvisibleUsers: null, gap: record.gap }
    : { at: iso(record.at), totalUsers: (record.values as RoomValues).totalUsers, totalInvisibleUsers: (record.values as RoomValues).totalInvisibleUsers };

export const groupValue = (record: SnapshotRecord): number | undefined => (record.values as GroupValues | undefined)?.onlineCount;
export const roomValue = (record: SnapshotRecord): number | undefined => (record.values as RoomValues | undefined)?.totalUsers;
