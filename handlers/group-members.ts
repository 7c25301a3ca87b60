import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { fetchMembers, MAX_MEMBER_LIMIT, MEMBER_FIELDS, MEMBER_ROLES } from '#lib/groups/members.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { enumList, groupId, Issues, integerInRange, keyList, knownQuery } from '#lib/http/validate.ts';

const ROUTE = '/v1/groups/{groupId}/members';
const QUERY = ['limit', 'offset', 'fields', 'roles', 'customFields'] as const;

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent, memberPageSize }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, QUERY, issues);
    const limit = integerInRange(query.limit, 'limit', { min: 1, max: MAX_MEMBER_LIMIT, fallback: 100 }, issues);
    const offset = integerInRange(query.offset, 'offset', { min: 0, max: 2_147_483_647, fallback: 0 }, issues);
    const fields = enumList(query.fields, 'fields', MEMBER_FIELDS, issues);
    const roles = enumList(query.roles, 'roles', MEMBER_ROLES, issues);
    const customFields = keyList(query.customFields, 'customFields', 20, issues);
    issues.throwIfAny();
    const page = await fetchMembers(
      tencent,
      { groupId: id as string, limit: limit as number, offset: offset as number, fields, roles, customFields },
      deadline,
      { pageSize: memberPageSize },
    );
    return { body: page };
  },
);
