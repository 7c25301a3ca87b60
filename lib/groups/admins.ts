import type { Deadline } from '../deadline.ts';
import { ApiError } from '../errors.ts';
import type { TencentChatClient } from '../tencent/client.ts';
import { tencentRejection } from '../tencent/failures.ts';
import { UpstreamFailure } from '../upstream/failure.ts';

export type AdminAction = 'set' | 'cancel';
export const MAX_ADMINS = 5;

export interface AdminChange {
  groupId: string;
  action: AdminAction;
  accounts: string[];
}

// Tencent documents the five-admin limit but no error code of its own for it: the limit comes
// back as 10004 (invalid parameter) with an ErrorInfo that says so. Our own validation has
// already excluded every other cause of 10004 that we know of for a `set`.
const isAdminLimit = (failure: UpstreamFailure): boolean =>
  failure.code === 10004 && /admin/i.test(failure.info) && /(limit|exceed|max|more than)/i.test(failure.info);

export const changeAdmins = async (client: TencentChatClient, change: AdminChange, deadline: Deadline): Promise<AdminChange> => {
  try {
    await client.call('modify_admin', {
      GroupId: change.groupId,
      CommandType: change.action === 'set' ? 1 : 2,
      Admin_Account: change.accounts,
    }, deadline, [10004]);
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    if (change.action === 'set' && isAdminLimit(error)) {
      throw new ApiError('ADMIN_LIMIT_EXCEEDED', `A live-stream group can have at most ${MAX_ADMINS} admins.`, {
        upstream: { provider: error.provider, code: error.code, info: error.info },
      });
    }
    throw tencentRejection(error);
  }
  return change;
};
