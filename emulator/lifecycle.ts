import type { CallbackOutcome } from './callbacks.ts';
import type { EmulatorContext } from './context.ts';
import { type EmulatedGroup, type EmulatedMember, type EmulatedRoom, ONLINE_SEQ_LIMIT } from './state.ts';

// Groups and rooms coming and going through the control API, and the provider callbacks each
// change sends (docs/EMULATOR.md, "Callbacks the emulator sends"). Every function changes the
// state first, then awaits the callbacks' delivery, so the control request that caused them
// answers with their outcome.

/** Tencent's create_group takes at most 500 initial members; callbacks list at most as many. */
export const CALLBACK_MEMBER_LIST_CAP = 500;

export interface Outcome<T> {
  result: T;
  callbacks: CallbackOutcome[];
}

const sent = (...outcomes: Array<CallbackOutcome | undefined>): CallbackOutcome[] =>
  outcomes.filter((outcome): outcome is CallbackOutcome => outcome !== undefined);

const ownerOf = (group: EmulatedGroup): string => group.members.find((member) => member.Role.trim() === 'Owner')?.Member_Account ?? '';

const memberListOf = (group: EmulatedGroup) => group.members.slice(0, CALLBACK_MEMBER_LIST_CAP).map((member) => ({ Member_Account: member.Member_Account }));

const groupFields = (group: EmulatedGroup) => ({
  GroupId: group.groupId,
  Type: group.type,
  Owner_Account: ownerOf(group),
  Name: group.name,
  MemberList: memberListOf(group),
});

/** Creates or replaces a group; only a creation is a Group.CallbackAfterCreateGroup. */
export const putGroup = async (
  context: EmulatorContext,
  group: EmulatedGroup,
  options: { callbacks?: boolean } = {},
): Promise<Outcome<{ created: boolean }>> => {
  const created = !context.state.groups.has(group.groupId);
  context.state.putGroup(group);
  const callback = created && options.callbacks !== false ? await context.callbacks.tencent('Group.CallbackAfterCreateGroup', groupFields(group)) : undefined;
  return { result: { created }, callbacks: sent(callback) };
};

export const destroyGroup = async (context: EmulatorContext, groupId: string): Promise<Outcome<EmulatedGroup> | undefined> => {
  const group = context.state.deleteGroup(groupId);
  if (!group) return undefined;
  return { result: group, callbacks: sent(await context.callbacks.tencent('Group.CallbackAfterGroupDestroyed', groupFields(group))) };
};

export interface MemberChange {
  account: string;
  /** false when nothing changed: the member was already online (join) or already offline (leave). */
  changed: boolean;
  onlineCount: number;
}

/** The next onlineSeq; when it would pass the cursor's room, the group's order is renumbered from 1. */
const nextOnlineSeq = (group: EmulatedGroup): number => {
  if (group.nextOnlineSeq >= ONLINE_SEQ_LIMIT) {
    const ordered = [...group.members].sort((a, b) => a.onlineSeq - b.onlineSeq);
    ordered.forEach((member, index) => {
      member.onlineSeq = index + 1;
    });
    group.nextOnlineSeq = ordered.length + 1;
  }
  const seq = group.nextOnlineSeq;
  group.nextOnlineSeq += 1;
  return seq;
};

/**
 * The account comes online in the group (joining it first if it is not a member), as the latest to
 * join: JoinTime now. The online count follows.
 */
export const joinGroup = async (
  context: EmulatorContext,
  group: EmulatedGroup,
  account: string,
  profile: { nickName?: string; avatar?: string },
): Promise<Outcome<MemberChange>> => {
  let member = group.members.find((candidate) => candidate.Member_Account === account);
  if (member?.online) return { result: { account, changed: false, onlineCount: group.baseOnlineCount }, callbacks: [] };
  const joinTime = Math.floor(context.clock() / 1000);
  if (!member) {
    member = {
      Member_Account: account,
      Role: 'Member',
      JoinTime: joinTime,
      MsgSeq: 0,
      MsgFlag: 'AcceptAndNotify',
      LastSendMsgTime: 0,
      ShutUpUntil: 0,
      NameCard: '',
      AppMemberDefinedData: [],
      online: false,
      onlineSeq: 0,
    } satisfies EmulatedMember;
    group.members.push(member);
  }
  if (profile.nickName !== undefined) member.NickName = profile.nickName;
  if (profile.avatar !== undefined) member.Avatar = profile.avatar;
  member.JoinTime = joinTime;
  member.onlineSeq = nextOnlineSeq(group);
  member.online = true;
  group.baseOnlineCount += 1;
  const callback = await context.callbacks.tencent('Group.CallbackAfterNewMemberJoin', {
    GroupId: group.groupId,
    Type: group.type,
    JoinType: 'Apply',
    Operator_Account: account,
    NewMemberList: [{ Member_Account: account }],
  });
  return { result: { account, changed: true, onlineCount: group.baseOnlineCount }, callbacks: sent(callback) };
};

/** The member goes offline (it stays a member); the online count follows. Undefined: not a member. */
export const leaveGroup = async (context: EmulatorContext, group: EmulatedGroup, account: string): Promise<Outcome<MemberChange> | undefined> => {
  const member = group.members.find((candidate) => candidate.Member_Account === account);
  if (!member) return undefined;
  if (!member.online) return { result: { account, changed: false, onlineCount: group.baseOnlineCount }, callbacks: [] };
  member.online = false;
  group.baseOnlineCount = Math.max(0, group.baseOnlineCount - 1);
  const callback = await context.callbacks.tencent('Group.CallbackAfterMemberExit', {
    GroupId: group.groupId,
    Type: group.type,
    ExitType: 'Quit',
    Operator_Account: account,
    ExitMemberList: [{ Member_Account: account }],
  });
  return { result: { account, changed: true, onlineCount: group.baseOnlineCount }, callbacks: sent(callback) };
};

const roomEvent = (context: EmulatorContext, eventType: string, appId: string, roomId: string, fields: Record<string, unknown> = {}) =>
  context.callbacks.volc(eventType, appId, { RoomId: roomId, ...fields, Timestamp: context.clock() });

/** Creates or replaces a room; only a creation is a RoomCreate. */
export const putRoom = async (context: EmulatorContext, appId: string, roomId: string, room: EmulatedRoom): Promise<Outcome<{ created: boolean }>> => {
  const created = context.state.room(appId, roomId) === undefined;
  context.state.putRoom(appId, roomId, room);
  return { result: { created }, callbacks: sent(created ? await roomEvent(context, 'RoomCreate', appId, roomId) : undefined) };
};

export const endRoom = async (context: EmulatorContext, appId: string, roomId: string): Promise<Outcome<EmulatedRoom> | undefined> => {
  const room = context.state.deleteRoom(appId, roomId);
  if (!room) return undefined;
  return { result: room, callbacks: sent(await roomEvent(context, 'RoomDestroy', appId, roomId)) };
};

export interface RoomUserChange {
  userId: string;
  /** false when the user was already in the room: no join (its visibility may have changed). */
  changed: boolean;
  roomCreated: boolean;
  totalUsers: number;
}

/** The user enters the room (created by this first join if need be), visible or not. */
export const joinRoom = async (context: EmulatorContext, appId: string, roomId: string, userId: string, visible: boolean): Promise<Outcome<RoomUserChange>> => {
  let room = context.state.room(appId, roomId);
  const callbacks: CallbackOutcome[] = [];
  const roomCreated = room === undefined;
  if (!room) {
    room = { visibleUsers: [], invisibleUsers: [] };
    context.state.putRoom(appId, roomId, room);
    callbacks.push(...sent(await roomEvent(context, 'RoomCreate', appId, roomId)));
  }
  const wasIn = room.visibleUsers.includes(userId) || room.invisibleUsers.includes(userId);
  // Already in: only the visibility may change, which is no join.
  if (!(visible ? room.visibleUsers : room.invisibleUsers).includes(userId)) {
    room.visibleUsers = room.visibleUsers.filter((user) => user !== userId);
    room.invisibleUsers = room.invisibleUsers.filter((user) => user !== userId);
    (visible ? room.visibleUsers : room.invisibleUsers).push(userId);
  }
  if (!wasIn) callbacks.push(...sent(await roomEvent(context, 'UserJoinRoom', appId, roomId, { UserId: userId, DeviceType: 'web' })));
  const totalUsers = room.visibleUsers.length + room.invisibleUsers.length;
  return { result: { userId, changed: !wasIn, roomCreated, totalUsers }, callbacks };
};

/** The user leaves the room (which stays until ended). Undefined: no such room or user. */
export const leaveRoom = async (context: EmulatorContext, appId: string, roomId: string, userId: string): Promise<Outcome<RoomUserChange> | undefined> => {
  const room = context.state.room(appId, roomId);
  if (!room || !(room.visibleUsers.includes(userId) || room.invisibleUsers.includes(userId))) return undefined;
  room.visibleUsers = room.visibleUsers.filter((user) => user !== userId);
  room.invisibleUsers = room.invisibleUsers.filter((user) => user !== userId);
  const callback = await roomEvent(context, 'UserLeaveRoom', appId, roomId, { UserId: userId, Reason: 'userLeave' });
  const totalUsers = room.visibleUsers.length + room.invisibleUsers.length;
  return { result: { userId, changed: true, roomCreated: false, totalUsers }, callbacks: sent(callback) };
};
