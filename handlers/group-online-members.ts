import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { decodeOnlineMembersCursor, fetchOnlineMembers, type OnlineMembersCursor } from '#lib/groups/online-members.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { ONLINE_MEMBERS_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { groupId, Issues, knownQuery } from '#lib/http/validate.ts';

const ROUTE = '/v1/groups/{groupId}/online-members';

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, ONLINE_MEMBERS_QUERY, issues);
    let cursor: OnlineMembersCursor | undefined;
    if (query.cursor !== undefined && id !== undefined) {
      cursor = decodeOnlineMembersCursor(query.cursor, id);
      if (!cursor) issues.add('cursor', 'is not a cursor of this group; pass nextCursor from the previous page unchanged');
    }
    issues.throwIfAny();
    return { body: await fetchOnlineMembers(tencent, { groupId: id as string, cursor }, deadline) };
  },
);
