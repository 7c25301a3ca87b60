import { callApi, callsOf, emulator, expectContractError, groupPath, postJson, upstreamCalls } from '#test/support/http.ts';

// GET /v1/groups/{groupId}/admins and /online-members: the live-group reads beside the seeds.

const ADMINS = '@TGS#aREADSADMINS';
const ONLINE = '@TGS#aREADSONLINE';
const CROWD = '@TGS#aREADSCROWD';
const EMPTY = '@TGS#aREADSEMPTY';
const PUBLIC = '@TGS#2READSPUBLIC';
const UNKNOWN = '@TGS#aREADSNOSUCH';

const JOIN_TIME = 1_750_000_000;
/** 1,200 online members, `crowd_0000` first to join, `crowd_1199` last; every third without an avatar. */
const CROWD_SIZE = 1200;
const crowdAccount = (index: number) => `crowd_${String(index).padStart(4, '0')}`;
const crowdMembers = Array.from({ length: CROWD_SIZE }, (_, index) => ({
  account: crowdAccount(index),
  joinTime: JOIN_TIME + index,
  online: true,
  nickName: `Crowd ${index}`,
  ...(index % 3 === 2 ? {} : { avatar: `https://avatars.example.com/crowd/${index}.png` }),
}));

const adminsPath = groupPath(ADMINS, 'admins');
const onlinePath = (groupId: string, cursor?: string) => `${groupPath(groupId, 'online-members')}${cursor === undefined ? '' : `?cursor=${cursor}`}`;

beforeAll(async () => {
  await emulator.putGroup(ONLINE, {
    type: 'AVChatRoom',
    members: [
      { account: 'host_anna', joinTime: JOIN_TIME, online: true, nickName: 'Anna', avatar: 'https://avatars.example.com/anna.png' },
      { account: 'guest_bo', joinTime: JOIN_TIME + 10, online: true, nickName: 'Bo' },
      { account: 'away_cy', joinTime: JOIN_TIME + 20, online: false, nickName: 'Cy' },
      { account: 'viewer_dee', joinTime: JOIN_TIME + 30, online: true },
    ],
  });
  await emulator.putGroup(CROWD, { type: 'AVChatRoom', members: crowdMembers });
  await emulator.putGroup(EMPTY, { type: 'AVChatRoom', members: [{ account: 'left_early', online: false }] });
  await emulator.putGroup(PUBLIC, { type: 'Public', memberCount: 3 });
});

beforeEach(async () => {
  await emulator.putGroup(ADMINS, {
    type: 'AVChatRoom',
    members: [
      { account: 'host_anna', nickName: 'Anna', avatar: 'https://avatars.example.com/anna.png', online: true },
      { account: 'mod_bo', nickName: 'Bo', online: true },
      { account: 'mod_cy', avatar: 'https://avatars.example.com/cy.png' },
      { account: 'viewer_dee' },
    ],
  });
});

const byAccount = <T extends { account: string }>(list: T[]): T[] => [...list].sort((a, b) => a.account.localeCompare(b.account));

/** The request answers 400 INVALID_ARGUMENT naming `field`, and nothing was asked upstream. */
const expectRefusedLocally = async (path: string, field: string) => {
  const before = await upstreamCalls();
  const error = expectContractError(await callApi(path), 400, 'INVALID_ARGUMENT');
  expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  expect(await upstreamCalls()).toBe(before);
  return error;
};

describe('GET /v1/groups/{groupId}/admins', () => {
  test('a live group without admins lists none', async () => {
    const answer = await callApi(adminsPath);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ groupId: ADMINS, admins: [] });
  });

  test('lists exactly the admins POST set, with nickName and avatar only where upstream has them', async () => {
    expect((await postJson(adminsPath, { action: 'set', accounts: ['host_anna', 'mod_bo', 'mod_cy', 'outsider'] })).status).toBe(200);
    const answer = await callApi(adminsPath);
    expect(answer.status).toBe(200);
    expect(answer.body.groupId).toBe(ADMINS);
    expect(byAccount(answer.body.admins)).toEqual([
      { account: 'host_anna', nickName: 'Anna', avatar: 'https://avatars.example.com/anna.png' },
      { account: 'mod_bo', nickName: 'Bo' },
      { account: 'mod_cy', avatar: 'https://avatars.example.com/cy.png' },
      // An admin need not be a member: then upstream knows no profile.
      { account: 'outsider' },
    ]);
  });

  test('follows every set and cancel', async () => {
    const listed = async () => byAccount((await callApi(adminsPath)).body.admins as Array<{ account: string }>).map((admin) => admin.account);
    await postJson(adminsPath, { action: 'set', accounts: ['mod_bo', 'mod_cy'] });
    expect(await listed()).toEqual(['mod_bo', 'mod_cy']);
    await postJson(adminsPath, { action: 'set', accounts: ['host_anna', 'mod_bo'] });
    expect(await listed()).toEqual(['host_anna', 'mod_bo', 'mod_cy']);
    await postJson(adminsPath, { action: 'cancel', accounts: ['mod_bo', 'never_admin'] });
    expect(await listed()).toEqual(['host_anna', 'mod_cy']);
    await postJson(adminsPath, { action: 'cancel', accounts: ['host_anna', 'mod_cy'] });
    expect(await listed()).toEqual([]);
    // What the group really holds, asked of the emulator directly.
    expect((await emulator.getGroup(ADMINS)).admins).toEqual([]);
  });

  test('one upstream call a request', async () => {
    const before = await callsOf('get_admin_list');
    const total = await upstreamCalls();
    expect((await callApi(adminsPath)).status).toBe(200);
    expect(await callsOf('get_admin_list')).toBe(before + 1);
    expect(await upstreamCalls()).toBe(total + 1);
  });

  test('403 UNSUPPORTED_GROUP_TYPE for a group that is not live-stream', async () => {
    const error = expectContractError(await callApi(groupPath(PUBLIC, 'admins')), 403, 'UNSUPPORTED_GROUP_TYPE');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10007 });
  });

  test('404 GROUP_NOT_FOUND for an unknown group', async () => {
    const error = expectContractError(await callApi(groupPath(UNKNOWN, 'admins')), 404, 'GROUP_NOT_FOUND');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10010 });
  });

  test.each([
    ['an ID over 48 bytes', `/v1/groups/${'a'.repeat(49)}/admins`, 'groupId'],
    ['a control character', '/v1/groups/abc%00def/admins', 'groupId'],
    ['a truncated escape', '/v1/groups/%E0%A4%A/admins', 'groupId'],
    ['an encoded lone surrogate', '/v1/groups/%ED%A0%80/admins', 'groupId'],
    ['an unknown query parameter', `${adminsPath}?verbose=1`, 'verbose'],
    ['a cursor, which this endpoint does not take', `${adminsPath}?cursor=abc`, 'cursor'],
  ])('400 INVALID_ARGUMENT and no upstream call for %s', async (_name, path, field) => {
    await expectRefusedLocally(path, field);
  });
});

describe('GET /v1/groups/{groupId}/online-members', () => {
  test('the online members, latest join first, nickName and avatar only where upstream has them', async () => {
    const answer = await callApi(onlinePath(ONLINE));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({
      groupId: ONLINE,
      members: [
        { account: 'viewer_dee', joinTime: JOIN_TIME + 30 },
        { account: 'guest_bo', joinTime: JOIN_TIME + 10, nickName: 'Bo' },
        { account: 'host_anna', joinTime: JOIN_TIME, nickName: 'Anna', avatar: 'https://avatars.example.com/anna.png' },
      ],
      nextCursor: null,
    });
  });

  test('a live group with nobody online: no members, no next page', async () => {
    expect((await callApi(onlinePath(EMPTY))).body).toEqual({ groupId: EMPTY, members: [], nextCursor: null });
  });

  test('follows members coming online and leaving', async () => {
    await emulator.joinGroup(ONLINE, 'late_eve', { nickName: 'Eve' });
    const joined = await callApi(onlinePath(ONLINE));
    expect(joined.body.members[0]).toEqual({ account: 'late_eve', joinTime: expect.any(Number), nickName: 'Eve' });
    expect(joined.body.members).toHaveLength(4);
    await emulator.leaveGroup(ONLINE, 'late_eve');
    const left = await callApi(onlinePath(ONLINE));
    expect(left.body.members.map((member: { account: string }) => member.account)).toEqual(['viewer_dee', 'guest_bo', 'host_anna']);
  });

  test('pages of 250 to the end with cursors, one upstream call each, and stops at the 1,000 latest', async () => {
    const pages: Array<{ members: Array<{ account: string; joinTime: number; nickName?: string; avatar?: string }>; nextCursor: string | null }> = [];
    let cursor: string | undefined;
    do {
      const before = await callsOf('get_members');
      const total = await upstreamCalls();
      const answer = await callApi(onlinePath(CROWD, cursor));
      expect(answer.status).toBe(200);
      expect(await callsOf('get_members')).toBe(before + 1);
      expect(await upstreamCalls()).toBe(total + 1);
      expect(answer.body.groupId).toBe(CROWD);
      pages.push(answer.body);
      cursor = answer.body.nextCursor ?? undefined;
      if (cursor !== undefined) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor !== undefined && pages.length < 10);

    expect(pages.map((page) => page.members.length)).toEqual([250, 250, 250, 250]);
    expect(pages.map((page) => page.nextCursor === null)).toEqual([false, false, false, true]);
    const members = pages.flatMap((page) => page.members);
    expect(new Set(members.map((member) => member.account)).size).toBe(1000);
    // The 1,000 latest to join, latest first: crowd_1199 down to crowd_0200.
    const latest = Array.from({ length: 1000 }, (_, offset) => CROWD_SIZE - 1 - offset);
    expect(members.map((member) => member.account)).toEqual(latest.map(crowdAccount));
    expect(members.map((member) => member.joinTime)).toEqual(latest.map((index) => JOIN_TIME + index));
    for (const [position, member] of members.entries()) {
      const index = latest[position] as number;
      expect(member).toEqual({
        account: crowdAccount(index),
        joinTime: JOIN_TIME + index,
        nickName: `Crowd ${index}`,
        ...(index % 3 === 2 ? {} : { avatar: `https://avatars.example.com/crowd/${index}.png` }),
      });
    }
  });

  test('a cursor can be used again and answers the same page', async () => {
    const first = await callApi(onlinePath(CROWD));
    const second = await callApi(onlinePath(CROWD, first.body.nextCursor));
    const again = await callApi(onlinePath(CROWD, first.body.nextCursor));
    expect(again.body).toEqual(second.body);
    expect(second.body.members[0].account).toBe(crowdAccount(CROWD_SIZE - 1 - 250));
  });

  test('403 UNSUPPORTED_GROUP_TYPE for a group that is not live-stream', async () => {
    const error = expectContractError(await callApi(onlinePath(PUBLIC)), 403, 'UNSUPPORTED_GROUP_TYPE');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10007 });
  });

  test('404 GROUP_NOT_FOUND for an unknown group', async () => {
    const error = expectContractError(await callApi(onlinePath(UNKNOWN)), 404, 'GROUP_NOT_FOUND');
    expect(error.upstream).toMatchObject({ provider: 'tencent-im', code: 10010 });
  });

  test.each([
    ['an ID over 48 bytes', `/v1/groups/${'a'.repeat(49)}/online-members`, 'groupId'],
    ['a control character', '/v1/groups/abc%00def/online-members', 'groupId'],
    ['a lone percent sign', '/v1/groups/abc%/online-members', 'groupId'],
    ['an overlong UTF-8 encoding', '/v1/groups/%C0%80abc/online-members', 'groupId'],
    ['an unknown query parameter', `${onlinePath(ONLINE)}?limit=10`, 'limit'],
    ['an empty cursor', onlinePath(ONLINE, ''), 'cursor'],
    ['a cursor that is not base64url', onlinePath(ONLINE, encodeURIComponent('a+b/c=')), 'cursor'],
    ['a cursor that is not JSON', onlinePath(ONLINE, Buffer.from('not json').toString('base64url')), 'cursor'],
    ['a cursor of another shape', onlinePath(ONLINE, Buffer.from(JSON.stringify([ONLINE, 5])).toString('base64url')), 'cursor'],
    [
      'a cursor made up from the documented fields',
      onlinePath(ONLINE, Buffer.from(JSON.stringify({ groupId: ONLINE, timestamp: 5 })).toString('base64url')),
      'cursor',
    ],
  ])('400 INVALID_ARGUMENT and no upstream call for %s', async (_name, path, field) => {
    await expectRefusedLocally(path, field);
  });

  describe('a cursor is bound to its group and refused when edited', () => {
    let cursor: string;
    let decoded: Record<string, unknown>;
    beforeAll(async () => {
      cursor = (await callApi(onlinePath(CROWD))).body.nextCursor;
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    });
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const flip = (text: string, at: number) => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;

    test('it carries the group it belongs to', () => {
      expect(decoded).toMatchObject({ groupId: CROWD, timestamp: expect.any(Number) });
    });

    test('another group’s cursor is 400 on cursor, with no upstream call', async () => {
      const error = await expectRefusedLocally(onlinePath(ONLINE, cursor), 'cursor');
      expect(error.details).toEqual([{ field: 'cursor', issue: 'is not a cursor of this group; pass nextCursor from the previous page unchanged' }]);
      await expectRefusedLocally(onlinePath(EMPTY, cursor), 'cursor');
    });

    test.each<[string, (cursor: string, decoded: Record<string, unknown>) => string]>([
      ['one character changed at the start', (text) => flip(text, 0)],
      ['one character changed in the middle', (text) => flip(text, Math.floor(text.length / 2))],
      ['one character changed at the end', (text) => flip(text, text.length - 1)],
      ['a character added', (text) => `${text}A`],
      ['cut short', (text) => text.slice(0, -2)],
      ['base64 padding added', (text) => `${text}%3D%3D`],
      ['another timestamp written into it', (_text, fields) => encode({ ...fields, timestamp: (fields.timestamp as number) - 1 })],
      ['another group written into it', (_text, fields) => encode({ ...fields, groupId: ONLINE })],
      ['a field added', (_text, fields) => encode({ ...fields, limit: 5 })],
      ['its fields reordered', (_text, fields) => encode(Object.fromEntries(Object.entries(fields).reverse()))],
      ['a timestamp of 0', (_text, fields) => encode({ ...fields, timestamp: 0 })],
      ['the timestamp as a string', (_text, fields) => encode({ ...fields, timestamp: String(fields.timestamp) })],
      ['repeated', (text) => `${text}&cursor=${text}`],
    ])('%s: 400 on cursor, with no upstream call', async (_name, edit) => {
      // The edit is made to the group's own cursor, sent to the group's own path.
      const edited = edit(cursor, decoded);
      expect(edited).not.toBe(cursor);
      await expectRefusedLocally(`${groupPath(CROWD, 'online-members')}?cursor=${edited}`, 'cursor');
    });

    test('every problem is listed at once', async () => {
      const error = await expectRefusedLocally(`${onlinePath(CROWD, 'x')}&page=2`, 'cursor');
      expect(error.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['cursor', 'page']);
    });
  });
});
