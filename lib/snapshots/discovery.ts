import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import type { Target } from './targets.ts';

const PAGE_SIZE = 10_000;

/** Every live-stream group of the app, following `Next` to the end. */
export const discoverLiveGroups = async (client: TencentChatClient, deadline: Deadline): Promise<{ groups: Target[]; pages: number }> => {
  const groups: Target[] = [];
  let next = 0;
  let pages = 0;
  do {
    const answer = await client.call('get_appid_group_list', { Limit: PAGE_SIZE, Next: next, GroupType: 'AVChatRoom' }, deadline);
    pages += 1;
    if (!Array.isArray(answer.GroupIdList)) throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'GroupIdList is missing');
    for (const entry of answer.GroupIdList as Array<{ GroupId?: unknown }>) {
      if (typeof entry?.GroupId === 'string') groups.push({ kind: 'group', groupId: entry.GroupId });
    }
    const following = Number(answer.Next ?? 0);
    if (!Number.isSafeInteger(following) || following < 0 || (following !== 0 && following <= next)) {
      throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'Next does not advance');
    }
    next = following;
  } while (next !== 0);
  return { groups, pages };
};
