import { fetchOnlineCount } from '../lib/groups/online-count.ts';
import { httpHandler } from '../lib/http/handler.ts';
import { rawPathParam } from '../lib/http/path.ts';
import { Issues, groupId, knownQuery } from '../lib/http/validate.ts';
import { prefetch, tencentClient } from '../lib/services.ts';

const ROUTE = '/v1/groups/{groupId}/online-count';
prefetch(() => tencentClient().warm());

export const handler = httpHandler(async ({ event, deadline }) => {
  const issues = new Issues();
  const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
  knownQuery(event.queryStringParameters, [], issues);
  issues.throwIfAny();
  return { body: await fetchOnlineCount(tencentClient(), id as string, deadline) };
});
