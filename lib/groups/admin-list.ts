import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { type AccountProfile, profileOf } from './profile.ts';

export type GroupAdmin = { account: string } & AccountProfile;

export interface AdminList {
  groupId: string;
  admins: GroupAdmin[];
}

const isAdminEntry = (entry: unknown): entry is Record<string, unknown> & { Admin_Account: string } =>
  entry !== null && typeof entry === 'object' && typeof (entry as Record<string, unknown>).Admin_Account === 'string';

/** The admins of a live-stream group, in upstream's order; 10007 and 10010 come out as typed failures. */
export const fetchAdminList = async (client: TencentChatClient, groupId: string, deadline: Deadline): Promise<AdminList> => {
  const answer = await client.call('get_admin_list', { GroupId: groupId }, deadline);
  // A group without admins may come without the list at all; a list of another shape is not an answer.
  const list = answer.Admin_List ?? [];
  if (!Array.isArray(list) || !list.every(isAdminEntry)) {
    throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'Admin_List is missing or malformed');
  }
  return { groupId, admins: list.map((entry) => ({ account: entry.Admin_Account, ...profileOf(entry) })) };
};
