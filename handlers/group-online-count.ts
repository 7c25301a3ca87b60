import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { fetchOnlineCount } from '#lib/groups/online-count.ts';
import { groupIdOnly } from '#lib/http/group-path.ts';
import { httpFunction } from '#lib/http/handler.ts';

const ROUTE = '/v1/groups/{groupId}/online-count';

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent }) => {
    const id = groupIdOnly(event, ROUTE);
    return { body: await fetchOnlineCount(tencent, id, deadline) };
  },
);
