import { createHash } from 'node:crypto';
import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';

// The messages that carry a sampled count to a room's audience: a custom element of a Tencent
// group message, a Volcengine room broadcast. Their payloads are compact JSON a client app parses.

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Tencent drops a second message with the same Random in the same group within 5 minutes. Taken
 * from the target and the tick, it makes a retried or overlapping run's push the same message.
 */
export const messageRandom = (targetKey: string, tick: number): number => createHash('sha256').update(`${targetKey}#${tick}`).digest().readUInt32BE(0);

export const sendOnlineCount = async (
  client: TencentChatClient,
  message: { groupId: string; targetKey: string; onlineCount: number; tick: number },
  deadline: Deadline,
): Promise<void> => {
  const data = JSON.stringify({ type: 'livegate.online-count', groupId: message.groupId, onlineCount: message.onlineCount, at: iso(message.tick) });
  await client.call(
    'send_group_msg',
    {
      GroupId: message.groupId,
      Random: messageRandom(message.targetKey, message.tick),
      // Sent as the app admin (no From_Account); the first to be dropped when the group is busy;
      // no offline push, no unread count and not the conversation's last message: it is a meter, not a chat line.
      MsgPriority: 'Lowest',
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: data } }],
      OfflinePushInfo: { PushFlag: 1 },
      SendMsgControl: ['NoUnread', 'NoLastMsg'],
    },
    deadline,
  );
};

export const broadcastOnlineUsers = async (
  client: VolcRtcClient,
  message: { appId: string; roomId: string; from: string; totalUsers: number; totalInvisibleUsers: number; tick: number },
  deadline: Deadline,
): Promise<void> => {
  const text = JSON.stringify({
    type: 'livegate.online-users',
    roomId: message.roomId,
    appId: message.appId,
    totalUsers: message.totalUsers,
    totalInvisibleUsers: message.totalInvisibleUsers,
    at: iso(message.tick),
  });
  await client.post(
    'SendBroadcast',
    '2023-07-20',
    { AppId: message.appId, RoomId: message.roomId, From: message.from, Binary: false, Message: text },
    deadline,
  );
};
