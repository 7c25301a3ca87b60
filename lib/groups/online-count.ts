import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';

export interface OnlineCount {
  groupId: string;
  onlineCount: number;
  fetchedAt: string;
}

export const fetchOnlineCount = async (client: TencentChatClient, groupId: string, deadline: Deadline): Promise<OnlineCount> => {
  const answer = await client.call('get_online_member_num', { GroupId: groupId }, deadline);
  const onlineCount = answer.OnlineMemberNum;
  if (typeof onlineCount !== 'number' || !Number.isInteger(onlineCount) || onlineCount < 0) {
    throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'OnlineMemberNum is missing');
  }
  return { groupId, onlineCount, fetchedAt: new Date().toISOString() };
};
