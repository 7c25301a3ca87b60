import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { fetchOnlineCount } from '#lib/groups/online-count.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { groupId, Issues, knownQuery } from '#lib/http/validate.ts';

const ROUTE = '/v1/groups/{groupId}/online-count';

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    knownQuery(event.queryStringParameters, [], issues);
    issues.throwIfAny();
    return { body: await fetchOnlineCount(tencent, id as string, deadline) };
  },
);
