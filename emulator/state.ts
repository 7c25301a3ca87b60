// What the emulated services hold: Tencent groups with members and admins, Volcengine RTC
// rooms per AppId, and the messages sent to both. Everything is in memory and forgotten on reset.

export const GROUP_TYPES = ['AVChatRoom', 'Public', 'Private', 'ChatRoom', 'Work', 'Meeting', 'Community'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

export interface EmulatedMember {
  Member_Account: string;
  Role: string;
  JoinTime: number;
  MsgSeq: number;
  MsgFlag: string;
  LastSendMsgTime: number;
  ShutUpUntil: number;
  NameCard: string;
  AppMemberDefinedData: Array<{ Key: string; Value: string }>;
  /** The account's profile, as get_members and get_admin_list send it when set. */
  NickName?: string;
  Avatar?: string;
  /** Live-stream member marks (get_members `Mark` filters on them). */
  Marks?: number[];
  /** Online in the live-stream group: listed by get_members. */
  online: boolean;
  /** Order of coming online within the group, unique: breaks ties between equal join times. */
  onlineSeq: number;
}

export interface EmulatedGroup {
  groupId: string;
  type: GroupType;
  /** The group name callbacks carry; the group ID unless given. */
  name: string;
  baseOnlineCount: number;
  /** Demo groups drift around their base count, as a live room's audience does. */
  fluctuate: boolean;
  admins: Set<string>;
  members: EmulatedMember[];
  /** The next `onlineSeq` to hand out. */
  nextOnlineSeq: number;
}

export interface EmulatedRoom {
  visibleUsers: string[];
  invisibleUsers: string[];
}

const JOIN_TIME_BASE = 1_735_689_600; // 2025-01-01T00:00:00Z
const UINT32_MAX = 4_294_967_295;
/** get_members cursors pack (JoinTime, onlineSeq) into one safe integer: onlineSeq stays below 2^21. */
export const ONLINE_SEQ_LIMIT = 2 ** 21;
export const MAX_GROUP_MEMBERS = 1_000_000;

/**
 * A member as generated for `memberCount`: a few hundred bytes each, like a real profile with custom
 * fields. Every third has no avatar, as accounts that never set one.
 */
export const generatedMember = (index: number, online = false): EmulatedMember => ({
  Member_Account: index === 0 ? 'owner_0' : `viewer_${String(index).padStart(6, '0')}`,
  // Tencent has been seen to pad roles ("Member "); the API must not pass that on.
  Role: index === 0 ? 'Owner' : index % 50 === 1 ? 'Admin' : index % 7 === 0 ? 'Member ' : 'Member',
  JoinTime: JOIN_TIME_BASE + index * 13,
  MsgSeq: index * 3,
  MsgFlag: 'AcceptAndNotify',
  LastSendMsgTime: index % 5 === 0 ? 0 : JOIN_TIME_BASE + index * 17,
  ShutUpUntil: index % 97 === 0 ? JOIN_TIME_BASE + 86_400 : 0,
  NameCard: `Viewer number ${index} of the demo audience`,
  AppMemberDefinedData: [
    { Key: 'MemberDefined1', Value: `level-${index % 60}-badge-${(index * 7919) % 10_007}` },
    { Key: 'MemberDefined2', Value: `joined-via-campaign-${index % 13}-region-${index % 5}` },
  ],
  NickName: index === 0 ? 'Owner' : `Viewer ${index}`,
  ...(index % 3 === 2 ? {} : { Avatar: `https://avatars.example.com/${index}.png` }),
  online,
  onlineSeq: index + 1,
});

export const currentOnlineCount = (group: EmulatedGroup, nowMs: number): number => {
  if (!group.fluctuate || group.baseOnlineCount === 0) return group.baseOnlineCount;
  const t = nowMs / 1000;
  const swing = 0.15 * Math.sin((2 * Math.PI * t) / 300) + 0.05 * Math.sin((2 * Math.PI * t) / 37);
  return Math.max(0, Math.round(group.baseOnlineCount * (1 + swing)));
};

/** One send_group_msg as stored: what it was answered, and the request body as received. */
export interface StoredGroupMessage {
  msgSeq: number;
  msgTime: number;
  random: number;
  body: Record<string, unknown>;
}

/** One SendBroadcast as stored, with the request body as received. */
export interface StoredRoomMessage {
  at: string;
  body: Record<string, unknown>;
}

interface GroupMessageLog {
  nextSeq: number;
  messages: StoredGroupMessage[];
}

export class EmulatorState {
  readonly groups = new Map<string, EmulatedGroup>();
  /** appId → roomId → room */
  readonly rooms = new Map<string, Map<string, EmulatedRoom>>();
  /**
   * Message logs outlive their group or room (a test can read them after a DELETE); only reset
   * forgets them. groupId → log; appId → roomId → messages.
   */
  private readonly groupMessages = new Map<string, GroupMessageLog>();
  private readonly roomMessages = new Map<string, Map<string, StoredRoomMessage[]>>();

  putGroup(group: EmulatedGroup): void {
    this.groups.delete(group.groupId); // re-inserting keeps creation order meaningful for group lists
    this.groups.set(group.groupId, group);
  }

  deleteGroup(groupId: string): EmulatedGroup | undefined {
    const group = this.groups.get(groupId);
    this.groups.delete(groupId);
    return group;
  }

  room(appId: string, roomId: string): EmulatedRoom | undefined {
    return this.rooms.get(appId)?.get(roomId);
  }

  putRoom(appId: string, roomId: string, room: EmulatedRoom): void {
    let app = this.rooms.get(appId);
    if (!app) {
      app = new Map();
      this.rooms.set(appId, app);
    }
    app.set(roomId, room);
  }

  /** Keeps the AppId's (now possibly empty) room map: an AppId that once had rooms stays known. */
  deleteRoom(appId: string, roomId: string): EmulatedRoom | undefined {
    const room = this.room(appId, roomId);
    this.rooms.get(appId)?.delete(roomId);
    return room;
  }

  groupMessagesOf(groupId: string): StoredGroupMessage[] {
    return this.groupMessages.get(groupId)?.messages ?? [];
  }

  /** Stores a message under the group's next MsgSeq (from 1, as Tencent numbers a group's messages). */
  addGroupMessage(groupId: string, message: Omit<StoredGroupMessage, 'msgSeq'>): StoredGroupMessage {
    let log = this.groupMessages.get(groupId);
    if (!log) {
      log = { nextSeq: 1, messages: [] };
      this.groupMessages.set(groupId, log);
    }
    const stored = { msgSeq: log.nextSeq, ...message };
    log.nextSeq += 1;
    log.messages.push(stored);
    return stored;
  }

  roomMessagesOf(appId: string, roomId: string): StoredRoomMessage[] {
    return this.roomMessages.get(appId)?.get(roomId) ?? [];
  }

  addRoomMessage(appId: string, roomId: string, message: StoredRoomMessage): void {
    let app = this.roomMessages.get(appId);
    if (!app) {
      app = new Map();
      this.roomMessages.set(appId, app);
    }
    const messages = app.get(roomId) ?? [];
    messages.push(message);
    app.set(roomId, messages);
  }

  reset(): void {
    this.groups.clear();
    this.rooms.clear();
    this.groupMessages.clear();
    this.roomMessages.clear();
  }
}

const isUint32 = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/** A member listed in the control API's group body, or an error message. */
const parseMemberSpec = (member: unknown, index: number): EmulatedMember | string => {
  if (member === null || typeof member !== 'object' || Array.isArray(member)) return `members[${index}] must be an object`;
  const spec = member as Record<string, unknown>;
  const joinTime = spec.joinTime ?? JOIN_TIME_BASE;
  if (!isUint32(joinTime)) return `members[${index}].joinTime must be Unix seconds (0 to ${UINT32_MAX})`;
  if (spec.online !== undefined && typeof spec.online !== 'boolean') return `members[${index}].online must be true or false`;
  if (!isOptionalString(spec.nickName) || !isOptionalString(spec.avatar)) return `members[${index}].nickName and avatar must be strings`;
  const marks = spec.marks;
  if (marks !== undefined && (!Array.isArray(marks) || !marks.every(isUint32))) return `members[${index}].marks must be a list of whole numbers`;
  return {
    Member_Account: String(spec.account ?? `member_${index}`),
    Role: String(spec.role ?? 'Member'),
    JoinTime: joinTime,
    MsgSeq: Number(spec.msgSeq ?? 0),
    MsgFlag: String(spec.msgFlag ?? 'AcceptAndNotify'),
    LastSendMsgTime: Number(spec.lastSendMsgTime ?? 0),
    ShutUpUntil: Number(spec.shutUpUntil ?? 0),
    NameCard: String(spec.nameCard ?? ''),
    AppMemberDefinedData: Object.entries((spec.customData ?? {}) as Record<string, unknown>).map(([Key, Value]) => ({ Key, Value: String(Value) })),
    ...(spec.nickName === undefined ? {} : { NickName: spec.nickName as string }),
    ...(spec.avatar === undefined ? {} : { Avatar: spec.avatar as string }),
    ...(marks === undefined ? {} : { Marks: marks as number[] }),
    online: spec.online === true,
    onlineSeq: index + 1,
  };
};

/**
 * Parses the control API's group body; returns an error message for a bad one. The online count
 * and the members flagged online agree: listed members flagged `online` are counted when
 * `onlineCount` is absent, and `onlineCount` may not be below them (it may be above: viewers
 * online but not listed); generated members are online for the first `onlineCount` of them.
 */
export const parseGroupSpec = (groupId: string, body: unknown): EmulatedGroup | string => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the group is a JSON object';
  const spec = body as Record<string, unknown>;
  const type = spec.type ?? 'AVChatRoom';
  if (!GROUP_TYPES.includes(type as GroupType)) return `type must be one of ${GROUP_TYPES.join(', ')}`;
  const onlineCount = spec.onlineCount;
  if (onlineCount !== undefined && (typeof onlineCount !== 'number' || !Number.isInteger(onlineCount) || onlineCount < 0))
    return 'onlineCount must be a whole number';
  const admins = spec.admins ?? [];
  if (!Array.isArray(admins) || admins.some((admin) => typeof admin !== 'string')) return 'admins must be a list of accounts';
  if (spec.name !== undefined && (typeof spec.name !== 'string' || spec.name === '')) return 'name must be a non-empty string';
  let members: EmulatedMember[];
  let baseOnlineCount: number;
  if (spec.members !== undefined) {
    if (!Array.isArray(spec.members)) return 'members must be a list';
    if (spec.members.length > MAX_GROUP_MEMBERS) return `a group has at most ${MAX_GROUP_MEMBERS} members`;
    members = [];
    for (const [index, member] of (spec.members as unknown[]).entries()) {
      const parsed = parseMemberSpec(member, index);
      if (typeof parsed === 'string') return parsed;
      members.push(parsed);
    }
    const flaggedOnline = members.filter((member) => member.online).length;
    if (onlineCount !== undefined && onlineCount < flaggedOnline) return `onlineCount (${onlineCount}) is below the ${flaggedOnline} members flagged online`;
    baseOnlineCount = onlineCount ?? flaggedOnline;
  } else {
    const memberCount = spec.memberCount ?? 0;
    if (typeof memberCount !== 'number' || !Number.isInteger(memberCount) || memberCount < 0 || memberCount > MAX_GROUP_MEMBERS) {
      return `memberCount must be a whole number up to ${MAX_GROUP_MEMBERS}`;
    }
    baseOnlineCount = onlineCount ?? 0;
    members = Array.from({ length: memberCount }, (_, index) => generatedMember(index, index < baseOnlineCount));
  }
  return {
    groupId,
    type: type as GroupType,
    name: (spec.name as string | undefined) ?? groupId,
    baseOnlineCount,
    fluctuate: spec.fluctuate === true,
    admins: new Set(admins as string[]),
    members,
    nextOnlineSeq: members.length + 1,
  };
};
