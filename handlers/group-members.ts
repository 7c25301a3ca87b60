import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { fetchMembers, MEMBER_FIELDS, MEMBER_ROLES } from '#lib/groups/members.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { MAX_CUSTOM_FIELDS, MEMBERS_LIMIT, MEMBERS_OFFSET, MEMBERS_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { enumList, groupId, Issues, integerInRange, keyList, knownQuery } from '#lib/http/validate.ts';

const ROUTE = '/v1/groups/{groupId}/members';

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent, memberPageSize }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, MEMBERS_QUERY, issues);
    const limit = integerInRange(query.limit, 'limit', MEMBERS_LIMIT, issues);
    const offset = integerInRange(query.offset, 'offset', MEMBERS_OFFSET, issues);
    const fields = enumList(query.fields, 'fields', MEMBER_FIELDS, issues);
    const roles = enumList(query.roles, 'roles', MEMBER_ROLES, issues);
    const customFields = keyList(query.customFields, 'customFields', MAX_CUSTOM_FIELDS, issues);
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
