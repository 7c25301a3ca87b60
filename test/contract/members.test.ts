import { functionEnvironment } from '#support/local-aws.ts';
import { type ApiAnswer, callApi, callsOf, emulator, emulatorUrl, expectContractError, groupPath, upstreamCalls } from '#test/support/http.ts';

const SMALL = '@TGS#2MEMBERSSMALL';
const BIG = '@TGS#2MEMBERSBIG';
const LIVE = '@TGS#aMEMBERSLIVE';

beforeAll(async () => {
  await emulator.putGroup(SMALL, {
    type: 'Public',
    members: [
      {
        account: 'bob',
        role: 'Owner',
        joinTime: 1425976500,
        msgSeq: 1233,
        msgFlag: 'AcceptAndNotify',
        lastSendMsgTime: 1425976500,
        shutUpUntil: 1431069882,
        nameCard: '',
        customData: { MemberDefined1: 'ModifyDefined1', MemberDefined2: 'x' },
      },
      {
        account: 'peter',
        role: 'Member ',
        joinTime: 1425976501,
        msgSeq: 1,
        msgFlag: 'AcceptNotNotify',
        lastSendMsgTime: 0,
        shutUpUntil: 0,
        nameCard: 'Pete',
        customData: { MemberDefined1: 'y' },
      },
      {
        account: 'ann',
        role: 'Admin',
        joinTime: 1425976502,
        msgSeq: 2,
        msgFlag: 'AcceptAndNotify',
        lastSendMsgTime: 0,
        shutUpUntil: 0,
        nameCard: '',
        customData: {},
      },
    ],
  });
  await emulator.putGroup(BIG, { type: 'Public', memberCount: 6500 });
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', memberCount: 400 });
});

describe('GET /v1/groups/{groupId}/members', () => {
  test('answers every field by default, roles lower-case and trimmed', async () => {
    const answer = await callApi(groupPath(SMALL, 'members'));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      groupId: SMALL,
      memberCount: 3,
      offset: 0,
      nextOffset: null,
      members: [
        {
          account: 'bob',
          role: 'owner',
          joinTime: 1425976500,
          msgSeq: 1233,
          msgFlag: 'AcceptAndNotify',
          lastSendMsgTime: 1425976500,
          shutUpUntil: 1431069882,
          nameCard: '',
          customData: { MemberDefined1: 'ModifyDefined1', MemberDefined2: 'x' },
        },
        {
          account: 'peter',
          role: 'member',
          joinTime: 1425976501,
          msgSeq: 1,
          msgFlag: 'AcceptNotNotify',
          lastSendMsgTime: 0,
          shutUpUntil: 0,
          nameCard: 'Pete',
          customData: { MemberDefined1: 'y' },
        },
        {
          account: 'ann',
          role: 'admin',
          joinTime: 1425976502,
          msgSeq: 2,
          msgFlag: 'AcceptAndNotify',
          lastSendMsgTime: 0,
          shutUpUntil: 0,
          nameCard: '',
          customData: {},
        },
      ],
    });
  });

  test('fields not asked for are absent', async () => {
    const answer = await callApi(`${groupPath(SMALL, 'members')}?fields=role,nameCard`);
    expect(answer.body.members).toEqual([
      { account: 'bob', role: 'owner', nameCard: '' },
      { account: 'peter', role: 'member', nameCard: 'Pete' },
      { account: 'ann', role: 'admin', nameCard: '' },
    ]);
  });

  test('roles filter and customFields select', async () => {
    const answer = await callApi(`${groupPath(SMALL, 'members')}?roles=owner,admin&fields=role&customFields=MemberDefined1`);
    expect(answer.body.members).toEqual([
      { account: 'bob', role: 'owner', customData: { MemberDefined1: 'ModifyDefined1' } },
      { account: 'ann', role: 'admin', customData: {} },
    ]);
  });

  test('paging: nextOffset is offset + limit while below memberCount', async () => {
    const first = await callApi(`${groupPath(SMALL, 'members')}?limit=2&fields=role`);
    expect(first.body).toMatchObject({ memberCount: 3, offset: 0, nextOffset: 2 });
    expect(first.body.members.map((m: { account: string }) => m.account)).toEqual(['bob', 'peter']);
    const second = await callApi(`${groupPath(SMALL, 'members')}?limit=2&offset=${first.body.nextOffset}&fields=role`);
    expect(second.body).toMatchObject({ memberCount: 3, offset: 2, nextOffset: null });
    expect(second.body.members.map((m: { account: string }) => m.account)).toEqual(['ann']);
    const past = await callApi(`${groupPath(SMALL, 'members')}?offset=10`);
    expect(past.body).toMatchObject({ memberCount: 3, offset: 10, nextOffset: null, members: [] });
  });

  test('a 6000-member page that upstream refuses as over 1 MB (10018) is split and joined, in order', async () => {
    const before = await emulator.stats();
    const answer = await callApi(`${groupPath(BIG, 'members')}?limit=6000&offset=100`);
    expect(answer.status).toBe(200);
    expect(answer.body.memberCount).toBe(6500);
    expect(answer.body.nextOffset).toBe(6100);
    expect(answer.body.members).toHaveLength(6000);
    expect(answer.body.members[0].account).toBe('viewer_000100');
    expect(answer.body.members[5999].account).toBe('viewer_006099');
    const accounts = new Set(answer.body.members.map((m: { account: string }) => m.account));
    expect(accounts.size).toBe(6000);
    const after = await emulator.stats();
    const rejected = (after.apis.get_group_member_info?.rejected['10018'] ?? 0) - (before.apis.get_group_member_info?.rejected['10018'] ?? 0);
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(answer.text).not.toContain('10018');
  });

  test('a repeat of the same large request reuses the page size that worked', async () => {
    const before = await callsOf('get_group_member_info');
    const answer = await callApi(`${groupPath(BIG, 'members')}?limit=6000`);
    expect(answer.body.members).toHaveLength(6000);
    const calls = (await callsOf('get_group_member_info')) - before;
    expect(calls).toBeLessThanOrEqual(4);
  });

  test('live-stream groups expose the first 300 members only', async () => {
    const answer = await callApi(`${groupPath(LIVE, 'members')}?limit=500&fields=role`);
    expect(answer.body.memberCount).toBe(400);
    expect(answer.body.members).toHaveLength(300);
  });

  test('404 GROUP_NOT_FOUND for an unknown group', async () => {
    expectContractError(await callApi(groupPath('@TGS#2NOSUCH', 'members')), 404, 'GROUP_NOT_FOUND');
  });

  test.each([
    ['limit=1', 200],
    ['limit=6000', 200],
    ['offset=0', 200],
    ['offset=2147483647', 200],
    ['fields=role,role', 200],
    ['roles=member', 200],
  ])('accepts %s', async (query, status) => {
    expect((await callApi(`${groupPath(SMALL, 'members')}?${query}`)).status).toBe(status);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=6001', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1e3', 'limit'],
    ['limit=', 'limit'],
    ['limit=%201', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['limit=99999999999999999999', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=2147483648', 'offset'],
    ['offset=x', 'offset'],
    ['fields=', 'fields'],
    ['fields=role,,joinTime', 'fields'],
    ['fields=Role', 'fields'],
    ['fields=customData', 'fields'],
    ['roles=owner,boss', 'roles'],
    ['roles=Owner', 'roles'],
    ['customFields=', 'customFields'],
    ['customFields=a,,b', 'customFields'],
    [`customFields=${'k'.repeat(65)}`, 'customFields'],
    ['page=2', 'page'],
  ])('400 INVALID_ARGUMENT for %s, naming %s, with no upstream call', async (query, field) => {
    const before = await upstreamCalls();
    const error = expectContractError(await callApi(`${groupPath(SMALL, 'members')}?${query}`), 400, 'INVALID_ARGUMENT');
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await upstreamCalls()).toBe(before);
  });

  test('every problem of a request is listed at once', async () => {
    const error = expectContractError(await callApi(`${groupPath(SMALL, 'members')}?limit=0&offset=-5&roles=x`), 400, 'INVALID_ARGUMENT');
    expect(error.details).toEqual([
      { field: 'limit', issue: 'must be an integer from 1 to 6000' },
      { field: 'offset', issue: 'must be an integer from 0 to 2147483647' },
      { field: 'roles', issue: 'must be a comma list of owner,admin,member' },
    ]);
  });
});

// Repeated query parameters. API Gateway HTTP APIs (payload 2.0) have no multi-value field: they
// join the values of a repeated parameter with commas in queryStringParameters, so
// `fields=role&fields=joinTime` reaches the function as `fields: "role,joinTime"`. The same cases
// run through the local API (serverless-offline builds the event) and in-process, with the event
// built the way API Gateway documents it.
describe('repeated query parameters', () => {
  const SMALL_ROLES_AND_JOIN_TIMES = [
    { account: 'bob', role: 'owner', joinTime: 1425976500 },
    { account: 'peter', role: 'member', joinTime: 1425976501 },
    { account: 'ann', role: 'admin', joinTime: 1425976502 },
  ];
  const accepted: Array<[string, unknown[]]> = [
    ['fields=role&fields=joinTime', SMALL_ROLES_AND_JOIN_TIMES],
    ['fields=role&fields=joinTime&fields=role', SMALL_ROLES_AND_JOIN_TIMES],
    ['fields=role,joinTime&fields=nameCard', SMALL_ROLES_AND_JOIN_TIMES.map((member, index) => ({ ...member, nameCard: ['', 'Pete', ''][index] }))],
    [
      'roles=owner&roles=admin&fields=role',
      [
        { account: 'bob', role: 'owner' },
        { account: 'ann', role: 'admin' },
      ],
    ],
  ];
  const refused: Array<[string, string]> = [
    ['fields=role&fields=Role', 'fields'],
    ['fields=role&fields=customData', 'fields'],
    ['fields=role&fields=', 'fields'],
    ['fields=role&fields=joinTime&fields=bogus', 'fields'],
    ['roles=owner&roles=boss', 'roles'],
    ['customFields=a&customFields=', 'customFields'],
    ['offset=0&offset=1', 'offset'],
  ];

  /** queryStringParameters as API Gateway builds them: every value of a repeated name joined with commas. */
  const apiGatewayQuery = (rawQuery: string): Record<string, string> | undefined => {
    const joined: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(rawQuery)) joined[name] = Object.hasOwn(joined, name) ? `${joined[name]},${value}` : value;
    return Object.keys(joined).length > 0 ? joined : undefined;
  };

  type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body: string }>;
  let membersHandler: Handler;
  /** The members function called in-process with an API Gateway payload 2.0 event. */
  const callInProcess = async (rawQuery: string): Promise<ApiAnswer> => {
    const rawPath = groupPath(SMALL, 'members');
    const result = await membersHandler(
      {
        version: '2.0',
        routeKey: 'GET /v1/groups/{groupId}/members',
        rawPath,
        rawQueryString: rawQuery,
        queryStringParameters: apiGatewayQuery(rawQuery),
        pathParameters: { groupId: SMALL },
        headers: { host: 'api.example.com' },
        requestContext: { http: { method: 'GET', path: rawPath }, requestId: 'in-process' },
        isBase64Encoded: false,
      },
      { awsRequestId: 'in-process-request', getRemainingTimeInMillis: () => 10_000 },
    );
    return { status: result.statusCode, headers: new Headers(result.headers), body: JSON.parse(result.body), text: result.body };
  };

  beforeAll(async () => {
    Object.assign(process.env, functionEnvironment(emulatorUrl()));
    membersHandler = (await import('#handlers/group-members.ts')).handler as unknown as Handler;
  });

  test("API Gateway's form, as written here, is what the docs say", () => {
    expect(apiGatewayQuery('fields=role&fields=joinTime')).toEqual({ fields: 'role,joinTime' });
    expect(apiGatewayQuery('fields=&fields=role')).toEqual({ fields: ',role' });
  });

  const ways: Array<[string, (query: string) => Promise<ApiAnswer>]> = [
    ['through the local API', (query) => callApi(`${groupPath(SMALL, 'members')}?${query}`)],
    ["in-process with API Gateway's event", callInProcess],
  ];

  describe.each(ways)('%s', (_way, call) => {
    test.each(accepted)('%s works like the comma list', async (query, members) => {
      const answer = await call(query);
      expect(answer.status).toBe(200);
      expect(answer.body.members).toEqual(members);
    });

    test.each(refused)('%s is 400 INVALID_ARGUMENT naming %s, with no upstream call', async (query, field) => {
      const before = await upstreamCalls();
      const error = expectContractError(await call(query), 400, 'INVALID_ARGUMENT');
      expect(error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
      expect(await upstreamCalls()).toBe(before);
    });
  });

  test('an empty first value: API Gateway sends ",role" (refused); serverless-offline drops it (docs/API.md)', async () => {
    const before = await upstreamCalls();
    const error = expectContractError(await callInProcess('fields=&fields=role'), 400, 'INVALID_ARGUMENT');
    expect(error.details).toEqual([{ field: 'fields', issue: 'must be a comma list of role,joinTime,msgSeq,msgFlag,lastSendMsgTime,shutUpUntil,nameCard' }]);
    expect(await upstreamCalls()).toBe(before);
    // The local API's difference, kept visible: if serverless-offline changes, the docs must too.
    const local = await callApi(`${groupPath(SMALL, 'members')}?fields=&fields=role`);
    expect(local.status).toBe(200);
    expect(local.body.members[0]).toEqual({ account: 'bob', role: 'owner' });
  });
});
