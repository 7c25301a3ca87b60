import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';

export type AdminAction = 'set' | 'cancel';
export const MAX_ADMINS = 5;

export interface AdminChange {
  groupId: string;
  action: AdminAction;
  accounts: string[];
}

/** Going past the admin limit comes out as an 'admin-limit' failure (see lib/tencent/failures.ts). */
export const changeAdmins = async (client: TencentChatClient, change: AdminChange, deadline: Deadline): Promise<AdminChange> => {
  await client.call(
    'modify_admin',
    {
      GroupId: change.groupId,
      CommandType: change.action === 'set' ? 1 : 2,
      Admin_Account: change.accounts,
    },
    deadline,
  );
  return change;
};
