import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { fetchAdminList } from '#lib/groups/admin-list.ts';
import { groupIdOnly } from '#lib/http/group-path.ts';
import { httpFunction } from '#lib/http/handler.ts';

const ROUTE = '/v1/groups/{groupId}/admins';

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent }) => {
    const id = groupIdOnly(event, ROUTE);
    return { body: await fetchAdminList(tencent, id, deadline) };
  },
);
