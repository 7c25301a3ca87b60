import type { Deadline } from '#lib/deadline.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';

export interface RoomOnlineUsers {
  appId: string;
  roomId: string;
  roomExists: boolean;
  totalUsers: number;
  totalInvisibleUsers: number;
  visibleUsers: string[];
  invisibleUsers: string[];
  fetchedAt: string;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

export const fetchRoomOnlineUsers = async (client: VolcRtcClient, appId: string, roomId: string, deadline: Deadline): Promise<RoomOnlineUsers> => {
  const result = await client.get('GetRoomOnlineUsers', '2023-08-01', { AppId: appId, RoomId: roomId }, deadline);
  if (typeof result.RoomExists !== 'boolean') {
    throw new UpstreamFailure('bad-response', 'volcengine-rtc', 'BAD_ANSWER', 'RoomExists is missing');
  }
  const fetchedAt = new Date().toISOString();
  // The upstream sends no other field when the room does not exist.
  if (!result.RoomExists) {
    return { appId, roomId, roomExists: false, totalUsers: 0, totalInvisibleUsers: 0, visibleUsers: [], invisibleUsers: [], fetchedAt };
  }
  return {
    appId,
    roomId,
    roomExists: true,
    totalUsers: count(result.TotalUser),
    totalInvisibleUsers: count(result.TotalInvisibleUser),
    visibleUsers: stringList(result.VisibleUserList),
    invisibleUsers: stringList(result.InvisibleUserList),
    fetchedAt,
  };
};
