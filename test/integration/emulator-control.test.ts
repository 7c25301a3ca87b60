import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type EmulatorClient, emulatorClient } from '#support/emulator-client.ts';
import { sendBroadcast, TENCENT_PATH, tencentCall, volcCall } from '#test/support/upstream-calls.ts';

// The control routes beside the seeds (DELETE, join/leave, message logs, limits), over HTTP,
// and what the upstream APIs answer after each of them.

const APP = DEMO_CREDENTIALS.volc.rtcAppId;
let emulator: RunningEmulator;
let control: EmulatorClient;

/** A control call that is expected to fail: its status and error. */
const raw = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${emulator.url}/_emulator${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const roomUsers = (roomId: string) => volcCall(emulator.url, 'GetRoomOnlineUsers', '2023-08-01', { query: { AppId: APP, RoomId: roomId } });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbacks: {} });
  control = emulatorClient(emulator.url);
});

afterAll(async () => {
  await emulator.close();
});

describe('DELETE', () => {
  test('a destroyed group is unknown upstream (10010), and a second DELETE is 404', async () => {
    await control.putGroup('@TGS#aCTLGONE', { type: 'AVChatRoom', onlineCount: 7 });
    expect((await tencentCall(emulator.url, TENCENT_PATH.getOnlineMemberNum, { GroupId: '@TGS#aCTLGONE' })).OnlineMemberNum).toBe(7);
    expect(await control.deleteGroup('@TGS#aCTLGONE')).toEqual({ groupId: '@TGS#aCTLGONE', destroyed: true, callbacks: [] });
    expect(await tencentCall(emulator.url, TENCENT_PATH.getOnlineMemberNum, { GroupId: '@TGS#aCTLGONE' })).toMatchObject({ ErrorCode: 10010 });
    expect(await raw('DELETE', `/tencent/groups/${encodeURIComponent('@TGS#aCTLGONE')}`)).toMatchObject({ status: 404 });
  });

  test('an ended room answers RoomExists false, and a second DELETE is 404', async () => {
    await control.putRoom(APP, 'ctl-ended', { visibleUsers: ['a'] });
    expect((await roomUsers('ctl-ended')).body.Result.RoomExists).toBe(true);
    expect(await control.deleteRoom(APP, 'ctl-ended')).toEqual({ appId: APP, roomId: 'ctl-ended', ended: true, callbacks: [] });
    expect((await roomUsers('ctl-ended')).body.Result).toEqual({ RoomExists: false });
    expect(await raw('DELETE', `/volc/apps/${APP}/rooms/ctl-ended`)).toMatchObject({ status: 404 });
  });
});

describe('group join and leave', () => {
  const groupPath = (suffix: string) => `/tencent/groups/${encodeURIComponent('@TGS#aCTLJOIN')}/${suffix}`;

  beforeAll(async () => {
    await control.putGroup('@TGS#aCTLJOIN', { type: 'AVChatRoom', members: [{ account: 'host', online: true }] });
  });

  test.each([
    ['no account', {}],
    ['an empty account', { account: '' }],
    ['an account that is not a string', { account: 7 }],
    ['a nickName that is not a string', { account: 'u', nickName: 1 }],
  ])('join with %s: 400', async (_name, body) => {
    expect((await raw('POST', groupPath('join'), body)).status).toBe(400);
  });

  test('an unknown group: 404 for join and leave; leaving as a non-member: 404', async () => {
    expect((await raw('POST', `/tencent/groups/${encodeURIComponent('@TGS#aNOSUCH')}/join`, { account: 'u' })).status).toBe(404);
    expect((await raw('POST', `/tencent/groups/${encodeURIComponent('@TGS#aNOSUCH')}/leave`, { account: 'u' })).status).toBe(404);
    expect((await raw('POST', groupPath('leave'), { account: 'stranger' })).status).toBe(404);
  });

  test('answers the change and the online count; GET shows the members and who is online', async () => {
    expect(await control.joinGroup('@TGS#aCTLJOIN', 'guest')).toEqual({
      groupId: '@TGS#aCTLJOIN',
      account: 'guest',
      changed: true,
      online: true,
      onlineCount: 2,
      callbacks: [],
    });
    expect(await control.getGroup('@TGS#aCTLJOIN')).toEqual({
      groupId: '@TGS#aCTLJOIN',
      type: 'AVChatRoom',
      name: '@TGS#aCTLJOIN',
      admins: [],
      memberCount: 2,
      onlineCount: 2,
      onlineMembers: 2,
    });
    expect(await control.leaveGroup('@TGS#aCTLJOIN', 'host')).toMatchObject({ changed: true, online: false, onlineCount: 1 });
    // A member who left stays a member (get_group_member_info still lists it).
    const members = await tencentCall(emulator.url, '/v4/group_open_http_svc/get_group_member_info', { GroupId: '@TGS#aCTLJOIN' });
    expect(members.MemberList.map((member: { Member_Account: string }) => member.Member_Account)).toEqual(['host', 'guest']);
  });
});

describe('room join and leave', () => {
  test.each([
    ['no userId', {}],
    ['a userId with a space', { userId: 'a b' }],
    ['a userId of 129 characters', { userId: 'u'.repeat(129) }],
    ['visible that is not a boolean', { userId: 'u', visible: 'yes' }],
  ])('join with %s: 400', async (_name, body) => {
    expect((await raw('POST', `/volc/apps/${APP}/rooms/ctl-room/join`, body)).status).toBe(400);
  });

  test('a first join creates the room; visibility follows; leave takes the user out and the room stays', async () => {
    expect(await control.joinRoom(APP, 'ctl-room', 'viewer', false)).toEqual({
      appId: APP,
      roomId: 'ctl-room',
      userId: 'viewer',
      changed: true,
      roomCreated: true,
      totalUsers: 1,
      callbacks: [],
    });
    await control.joinRoom(APP, 'ctl-room', 'host');
    expect((await roomUsers('ctl-room')).body.Result).toEqual({
      RoomExists: true,
      TotalUser: 2,
      TotalInvisibleUser: 1,
      VisibleUserList: ['host'],
      InvisibleUserList: ['viewer'],
    });
    expect(await control.joinRoom(APP, 'ctl-room', 'viewer', true)).toMatchObject({ changed: false, roomCreated: false, totalUsers: 2 });
    expect((await roomUsers('ctl-room')).body.Result).toMatchObject({ TotalInvisibleUser: 0, VisibleUserList: ['host', 'viewer'] });
    expect(await control.leaveRoom(APP, 'ctl-room', 'host')).toMatchObject({ changed: true, totalUsers: 1 });
    expect(await control.leaveRoom(APP, 'ctl-room', 'viewer')).toMatchObject({ totalUsers: 0 });
    expect((await roomUsers('ctl-room')).body.Result).toMatchObject({ RoomExists: true, TotalUser: 0 });
    expect((await raw('POST', `/volc/apps/${APP}/rooms/ctl-room/leave`, { userId: 'viewer' })).status).toBe(404);
    expect((await raw('POST', `/volc/apps/${APP}/rooms/no-such-room/leave`, { userId: 'viewer' })).status).toBe(404);
  });

  test('a first join under a new AppId makes that AppId known upstream', async () => {
    await control.joinRoom('fresh-app', 'r', 'u');
    const answer = await volcCall(emulator.url, 'GetRoomOnlineUsers', '2023-08-01', { query: { AppId: 'fresh-app', RoomId: 'r' } });
    expect(answer.body.Result).toMatchObject({ RoomExists: true, TotalUser: 1 });
  });
});

describe('message logs and reset', () => {
  test('room messages, oldest first; reset forgets them', async () => {
    await control.putRoom(APP, 'ctl-msgs', {});
    for (const Message of ['one', 'two']) await sendBroadcast(emulator.url, { AppId: APP, RoomId: 'ctl-msgs', From: 'srv', Binary: false, Message });
    expect((await control.roomMessages(APP, 'ctl-msgs')).messages.map((stored) => stored.body.Message)).toEqual(['one', 'two']);
    // The log outlives the room.
    await control.deleteRoom(APP, 'ctl-msgs');
    expect((await control.roomMessages(APP, 'ctl-msgs')).messages).toHaveLength(2);
    await control.reset();
    expect((await control.roomMessages(APP, 'ctl-msgs')).messages).toEqual([]);
  });
});

describe('PUT /_emulator/limits', () => {
  test('reads and sets volcBroadcastPerSecond beside the others, and rejects a bad value', async () => {
    expect(await control.setLimits({})).toEqual({ tencentPerSecond: 200, volcPerSecond: 40, volcBroadcastPerSecond: 500 });
    expect(await control.setLimits({ volcBroadcastPerSecond: 7 })).toMatchObject({ volcBroadcastPerSecond: 7 });
    expect((await raw('PUT', '/limits', { volcBroadcastPerSecond: 0 })).status).toBe(400);
    expect((await raw('PUT', '/limits', { volcBroadcastPerSecond: 'many' })).status).toBe(400);
    await control.setLimits({ volcBroadcastPerSecond: 500 });
  });
});
