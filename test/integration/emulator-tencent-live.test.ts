import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { sleep } from '#lib/sleep.ts';
import { type EmulatorClient, emulatorClient } from '#support/emulator-client.ts';
import { TENCENT_PATH, tencentCall } from '#test/support/upstream-calls.ts';

// The live-group Tencent APIs beside the seeds, over HTTP against an emulator of the test's own:
// get_admin_list, get_members (online members, paging, the 1,000 cap), and how join/leave keep
// the online list and the online count together.

const LIVE = '@TGS#aLIVEADMINS';
const PUBLIC = '@TGS#2LIVEPUBLIC';
let emulator: RunningEmulator;
let control: EmulatorClient;

const call = (path: string, body: unknown) => tencentCall(emulator.url, path, body);
const getMembers = (GroupId: string, Timestamp: number, extra: Record<string, unknown> = {}) => call(TENCENT_PATH.getMembers, { GroupId, Timestamp, ...extra });

/** Every page from Timestamp 0 until NextTimestamp is 0. */
const allPages = async (groupId: string, extra: Record<string, unknown> = {}) => {
  const pages: Array<Record<string, any>> = [];
  let timestamp = 0;
  do {
    const page = await getMembers(groupId, timestamp, extra);
    expect(page).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    pages.push(page);
    timestamp = page.NextTimestamp;
    expect(pages.length).toBeLessThan(10);
  } while (timestamp !== 0);
  return { pages, members: pages.flatMap((page) => page.MemberList as Array<Record<string, any>>) };
};

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbacks: {} });
  control = emulatorClient(emulator.url);
  await control.putGroup(PUBLIC, { type: 'Public', memberCount: 3 });
});

afterAll(async () => {
  await emulator.close();
});

describe('get_admin_list', () => {
  beforeAll(async () => {
    await control.putGroup(LIVE, {
      type: 'AVChatRoom',
      admins: ['anna', 'ghost'],
      members: [
        { account: 'owner', role: 'Owner' },
        { account: 'anna', nickName: 'Anna', avatar: 'https://img.example.com/anna.png', online: true },
        { account: 'bo', nickName: 'Bo' },
      ],
    });
  });

  test('lists the admins, with NickName and Avatar only where the account has them', async () => {
    expect(await call(TENCENT_PATH.getAdminList, { GroupId: LIVE })).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      Admin_List: [{ Admin_Account: 'anna', NickName: 'Anna', Avatar: 'https://img.example.com/anna.png' }, { Admin_Account: 'ghost' }],
    });
  });

  test('follows modify_admin: set and cancel show at once', async () => {
    expect(await call(TENCENT_PATH.modifyAdmin, { GroupId: LIVE, CommandType: 1, Admin_Account: ['bo'] })).toMatchObject({ ErrorCode: 0 });
    expect(await call(TENCENT_PATH.modifyAdmin, { GroupId: LIVE, CommandType: 2, Admin_Account: ['ghost'] })).toMatchObject({ ErrorCode: 0 });
    const answer = await call(TENCENT_PATH.getAdminList, { GroupId: LIVE });
    expect(answer.Admin_List).toEqual([
      { Admin_Account: 'anna', NickName: 'Anna', Avatar: 'https://img.example.com/anna.png' },
      { Admin_Account: 'bo', NickName: 'Bo' },
    ]);
  });

  test.each([
    ['a group that is not a live-stream group', 10007, { GroupId: PUBLIC }],
    ['an unknown group', 10010, { GroupId: '@TGS#aNOSUCHGROUP' }],
    ['a malformed group ID', 10015, { GroupId: '@TGS#bad id!' }],
    ['no GroupId', 10004, {}],
    ['a GroupId that is not a string', 10004, { GroupId: 42 }],
  ])('%s → %s', async (_name, code, body) => {
    expect(await call(TENCENT_PATH.getAdminList, body)).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: expect.any(String) });
  });

  test('checks the UserSig like every Tencent API', async () => {
    expect(await tencentCall(emulator.url, TENCENT_PATH.getAdminList, { GroupId: LIVE }, 'eJxnot-a-real-sig')).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: 70003,
    });
  });
});

describe('get_members', () => {
  test('pages of 250 through the 1,000 latest online members only, latest join first, then NextTimestamp 0', async () => {
    const groupId = '@TGS#aLIVEPAGING';
    // 1,500 generated members, the first 1,200 online; generated join times rise with the index.
    await control.putGroup(groupId, { type: 'AVChatRoom', memberCount: 1500, onlineCount: 1200 });
    const { pages, members } = await allPages(groupId);
    expect(pages.map((page) => page.MemberList.length)).toEqual([250, 250, 250, 250]);
    expect(pages.map((page) => page.NextTimestamp === 0)).toEqual([false, false, false, true]);
    const accounts = members.map((member) => member.Member_Account);
    expect(new Set(accounts).size).toBe(1000);
    // The 1,000 latest of the 1,200 online: indexes 1199 down to 200.
    expect(accounts[0]).toBe('viewer_001199');
    expect(accounts[999]).toBe('viewer_000200');
    const joinTimes = members.map((member) => member.JoinTime as number);
    expect(joinTimes).toEqual([...joinTimes].sort((a, b) => b - a));
    // Fields as Tencent documents them, NickName and Avatar only where set.
    expect(members[0]).toEqual({ Member_Account: 'viewer_001199', JoinTime: expect.any(Number), NickName: 'Viewer 1199' });
    expect(members[1]).toEqual({
      Member_Account: 'viewer_001198',
      JoinTime: expect.any(Number),
      NickName: 'Viewer 1198',
      Avatar: expect.stringMatching(/^https:/),
    });
  });

  test('members with the same JoinTime: no repeat and none missing across pages', async () => {
    const groupId = '@TGS#aLIVESAMETIME';
    const members = Array.from({ length: 600 }, (_, index) => ({ account: `same_${index}`, joinTime: 1_760_000_000, online: true }));
    await control.putGroup(groupId, { type: 'AVChatRoom', members });
    const { pages, members: listed } = await allPages(groupId);
    expect(pages.map((page) => page.MemberList.length)).toEqual([250, 250, 100]);
    // Equal join times: the one listed later counts as joined later.
    expect(listed.map((member) => member.Member_Account)).toEqual(members.map((member) => member.account).reverse());
  });

  test('a group of 250 or fewer online members comes in one page with NextTimestamp 0', async () => {
    const groupId = '@TGS#aLIVESMALL';
    await control.putGroup(groupId, { type: 'AVChatRoom', memberCount: 300, onlineCount: 250 });
    const page = await getMembers(groupId, 0);
    expect(page.MemberList).toHaveLength(250);
    expect(page.NextTimestamp).toBe(0);
  });

  test('Mark lists only the online members carrying that mark', async () => {
    const groupId = '@TGS#aLIVEMARKS';
    await control.putGroup(groupId, {
      type: 'AVChatRoom',
      members: [
        { account: 'teacher1', marks: [1000], online: true, joinTime: 1_760_000_001 },
        { account: 'student1', marks: [1001], online: true, joinTime: 1_760_000_002 },
        { account: 'teacher2', marks: [1000, 1001], online: true, joinTime: 1_760_000_003 },
        { account: 'teacher3', marks: [1000], online: false, joinTime: 1_760_000_004 },
      ],
    });
    const page = await getMembers(groupId, 0, { Mark: 1000 });
    expect(page.MemberList.map((member: { Member_Account: string }) => member.Member_Account)).toEqual(['teacher2', 'teacher1']);
    expect((await getMembers(groupId, 0)).MemberList).toHaveLength(3);
  });

  test('join puts the account first and online; leave takes it off; get_online_member_num follows both', async () => {
    const groupId = '@TGS#aLIVEJOINS';
    await control.putGroup(groupId, { type: 'AVChatRoom', memberCount: 10, onlineCount: 4 });
    const count = async () => (await call(TENCENT_PATH.getOnlineMemberNum, { GroupId: groupId })).OnlineMemberNum;
    expect(await count()).toBe(4);
    expect((await getMembers(groupId, 0)).MemberList).toHaveLength(4);

    expect(await control.joinGroup(groupId, 'newcomer', { nickName: 'New' })).toMatchObject({ changed: true, online: true, onlineCount: 5 });
    expect(await count()).toBe(5);
    const afterJoin = (await getMembers(groupId, 0)).MemberList;
    expect(afterJoin).toHaveLength(5);
    expect(afterJoin[0]).toMatchObject({ Member_Account: 'newcomer', NickName: 'New' });
    expect(afterJoin[0].JoinTime).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);

    // An offline member coming online counts too; joining twice changes nothing.
    expect(await control.joinGroup(groupId, 'viewer_000009')).toMatchObject({ changed: true, onlineCount: 6 });
    expect(await control.joinGroup(groupId, 'viewer_000009')).toMatchObject({ changed: false, onlineCount: 6 });

    expect(await control.leaveGroup(groupId, 'newcomer')).toMatchObject({ changed: true, online: false, onlineCount: 5 });
    expect(await control.leaveGroup(groupId, 'newcomer')).toMatchObject({ changed: false, onlineCount: 5 });
    expect(await count()).toBe(5);
    const afterLeave = (await getMembers(groupId, 0)).MemberList.map((member: { Member_Account: string }) => member.Member_Account);
    expect(afterLeave).not.toContain('newcomer');
    expect(afterLeave[0]).toBe('viewer_000009');
    expect(await control.getGroup(groupId)).toMatchObject({ onlineCount: 5, onlineMembers: 5, memberCount: 11 });
  });

  test('listed members flagged online set the online count when onlineCount is absent, and it may not be below them', async () => {
    const groupId = '@TGS#aLIVEFLAGS';
    await control.putGroup(groupId, { type: 'AVChatRoom', members: [{ account: 'a', online: true }, { account: 'b', online: true }, { account: 'c' }] });
    expect((await call(TENCENT_PATH.getOnlineMemberNum, { GroupId: groupId })).OnlineMemberNum).toBe(2);
    // More online than listed: viewers online but not in the list.
    await control.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 900, members: [{ account: 'a', online: true }] });
    expect((await call(TENCENT_PATH.getOnlineMemberNum, { GroupId: groupId })).OnlineMemberNum).toBe(900);
    await expect(
      control.putGroup(groupId, {
        type: 'AVChatRoom',
        onlineCount: 1,
        members: [
          { account: 'a', online: true },
          { account: 'b', online: true },
        ],
      }),
    ).rejects.toThrow(/400.*below the 2 members flagged online/);
  });

  test('demo-style groups still drift (fluctuate) while listing their generated online members', async () => {
    const groupId = '@TGS#aLIVEDRIFT';
    await control.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 1200, fluctuate: true, memberCount: 250 });
    const count = (await call(TENCENT_PATH.getOnlineMemberNum, { GroupId: groupId })).OnlineMemberNum as number;
    expect(count).toBeGreaterThanOrEqual(Math.round(1200 * 0.8));
    expect(count).toBeLessThanOrEqual(Math.round(1200 * 1.2));
    expect((await allPages(groupId)).members).toHaveLength(250);
  });

  test.each([
    ['no Timestamp', 10004, { GroupId: LIVE }],
    ['a negative Timestamp', 10004, { GroupId: LIVE, Timestamp: -1 }],
    ['a Timestamp that is not a number', 10004, { GroupId: LIVE, Timestamp: '0' }],
    ['a Mark that is not a whole number', 10004, { GroupId: LIVE, Timestamp: 0, Mark: 'teachers' }],
    ['a group that is not a live-stream group', 10007, { GroupId: PUBLIC, Timestamp: 0 }],
    ['an unknown group', 10010, { GroupId: '@TGS#aNOSUCHGROUP', Timestamp: 0 }],
    ['a malformed group ID', 10015, { GroupId: 'x'.repeat(49), Timestamp: 0 }],
  ])('%s → %s', async (_name, code, body) => {
    expect(await call(TENCENT_PATH.getMembers, body)).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
  });
});

describe('frequency limit, faults and stats by API name', () => {
  afterEach(async () => {
    await control.setLimits({ tencentPerSecond: 200 });
    await control.clearFaults();
  });

  test('past the per-API limit in one second: 60007, counted under the API name; other APIs keep their own budget', async () => {
    await sleep(1100); // a second with no call behind it
    await control.setLimits({ tencentPerSecond: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i += 1) codes.push((await call(TENCENT_PATH.getAdminList, { GroupId: LIVE })).ErrorCode);
    expect(codes.filter((code) => code === 60007).length).toBeGreaterThanOrEqual(2);
    expect((await getMembers(LIVE, 0)).ErrorCode).toBe(0);
    const { apis } = await control.stats();
    expect(apis.get_admin_list?.rejected['60007']).toBeGreaterThanOrEqual(2);
    expect(apis.get_members?.calls).toBeGreaterThanOrEqual(1);
  });

  test('a fault aimed at get_members answers its error; get_admin_list is untouched', async () => {
    await control.addFault({ target: 'tencent', api: 'get_members', errorCode: 10002, times: 1 });
    expect(await getMembers(LIVE, 0)).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10002 });
    expect((await call(TENCENT_PATH.getAdminList, { GroupId: LIVE })).ErrorCode).toBe(0);
    expect((await getMembers(LIVE, 0)).ErrorCode).toBe(0);
  });
});
