import { callApi, callsOf, emulator, expectContractError, groupPath, upstreamCalls } from '../support/http.ts';

const SMALL = '@TGS#2MEMBERSSMALL';
const BIG = '@TGS#2MEMBERSBIG';
const LIVE = '@TGS#aMEMBERSLIVE';

beforeAll(async () => {
  await emulator.putGroup(SMALL, {
    type: 'Public',
    members: [
      { account: 'bob', role: 'Owner', joinTime: 1425976500, msgSeq: 1233, msgFlag: 'AcceptAndNotify', lastSendMsgTime: 1425976500, shutUpUntil: 1431069882, nameCard: '', customData: { MemberDefined1: 'ModifyDefined1', MemberDefined2: 'x' } },
      { account: 'peter', role: 'Member ', joinTime: 1425976501, msgSeq: 1, msgFlag: 'AcceptNotNotify', lastSendMsgTime: 0, shutUpUntil: 0, nameCard: 'Pete', customData: { MemberDefined1: 'y' } },
      { account: 'ann', role: 'Admin', joinTime: 1425976502, msgSeq: 2, msgFlag: 'AcceptAndNotify', lastSendMsgTime: 0, shutUpUntil: 0, nameCard: '', customData: {} },
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
      groupId: SMALL, memberCount: 3, offset: 0, nextOffset: null,
      members: [
        { account: 'bob', role: 'owner', joinTime: 1425976500, msgSeq: 1233, msgFlag: 'AcceptAndNotify', lastSendMsgTime: 1425976500, shutUpUntil: 1431069882, nameCard: '', customData: { MemberDefined1: 'ModifyDefined1', MemberDefined2: 'x' } },
        { account: 'peter', role: 'member', joinTime: 1425976501, msgSeq: 1, msgFlag: 'AcceptNotNotify', lastSendMsgTime: 0, shutUpUntil: 0, nameCard: 'Pete', customData: { MemberDefined1: 'y' } },
        { account: 'ann', role: 'admin', joinTime: 1425976502, msgSeq: 2, msgFlag: 'AcceptAndNotify', lastSendMsgTime: 0, shutUpUntil: 0, nameCard: '', customData: {} },
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
    ['limit=1', 200], ['limit=6000', 200], ['offset=0', 200], ['offset=2147483647', 200],
    ['fields=role,role', 200], ['roles=member', 200],
  ])('accepts %s', async (query, status) => {
    expect((await callApi(`${groupPath(SMALL, 'members')}?${query}`)).status).toBe(status);
  });

  test.each([
    ['limit=0', 'limit'], ['limit=6001', 'limit'], ['limit=-1', 'limit'], ['limit=abc', 'limit'], ['limit=1.5', 'limit'],
    ['limit=1e3', 'limit'], ['limit=', 'limit'], ['limit=%201', 'limit'], ['limit=1&limit=2', 'limit'], ['limit=99999999999999999999', 'limit'],
    ['offset=-1', 'offset'], ['offset=2147483648', 'offset'], ['offset=x', 'offset'],
    ['fields=', 'fields'], ['fields=role,,joinTime', 'fields'], ['fields=Role', 'fields'], ['fields=customData', 'fields'],
    ['roles=owner,boss', 'roles'], ['roles=Owner', 'roles'],
    ['customFields=', 'customFields'], ['customFields=a,,b', 'customFields'], [`customFields=${'k'.repeat(65)}`, 'customFields'],
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
