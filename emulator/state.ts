// What the emulated services hold: Tencent groups with members and admins, and Volcengine
// RTC rooms per AppId. Everything is in memory and forgotten on reset.

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
}

export interface EmulatedGroup {
  groupId: string;
  type: GroupType;
  baseOnlineCount: number;
  /** Demo groups drift around their base count, as a live room's audience does. */
  fluctuate: boolean;
  admins: Set<string>;
  members: EmulatedMember[];
}

export interface EmulatedRoom {
  visibleUsers: string[];
  invisibleUsers: string[];
}

const JOIN_TIME_BASE = 1_735_689_600; // 2025-01-01T00:00:00Z

/** A member as generated for `memberCount`: a few hundred bytes each, like a real profile with custom fields. */
export const generatedMember = (index: number): EmulatedMember => ({
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
});

export const currentOnlineCount = (group: EmulatedGroup, nowMs: number): number => {
  if (!group.fluctuate || group.baseOnlineCount === 0) return group.baseOnlineCount;
  const t = nowMs / 1000;
  const swing = 0.15 * Math.sin((2 * Math.PI * t) / 300) + 0.05 * Math.sin((2 * Math.PI * t) / 37);
  return Math.max(0, Math.round(group.baseOnlineCount * (1 + swing)));
};

export class EmulatorState {
  readonly groups = new Map<string, EmulatedGroup>();
  /** appId → roomId → room */
  readonly rooms = new Map<string, Map<string, EmulatedRoom>>();

  putGroup(group: EmulatedGroup): void {
    this.groups.delete(group.groupId); // re-inserting keeps creation order meaningful for group lists
    this.groups.set(group.groupId, group);
  }

  putRoom(appId: string, roomId: string, room: EmulatedRoom): void {
    let app = this.rooms.get(appId);
    if (!app) {
      app = new Map();
      this.rooms.set(appId, app);
    }
    app.set(roomId, room);
  }

  reset(): void {
    this.groups.clear();
    this.rooms.clear();
  }
}

/** Parses the control API's group body; returns an error message for a bad one. */
export const parseGroupSpec = (groupId: string, body: unknown): EmulatedGroup | string => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the group is a JSON object';
  const spec = body as Record<string, unknown>;
  const type = spec.type ?? 'AVChatRoom';
  if (!GROUP_TYPES.includes(type as GroupType)) return `type must be one of ${GROUP_TYPES.join(', ')}`;
  const onlineCount = spec.onlineCount ?? 0;
  if (typeof onlineCount !== 'number' || !Number.isInteger(onlineCount) || onlineCount < 0) return 'onlineCount must be a whole number';
  const admins = spec.admins ?? [];
  if (!Array.isArray(admins) || admins.some((admin) => typeof admin !== 'string')) return 'admins must be a list of accounts';
  let members: EmulatedMember[];
  if (spec.members !== undefined) {
    if (!Array.isArray(spec.members)) return 'members must be a list';
    members = (spec.members as Array<Record<string, unknown>>).map((member, index) => ({
      ...generatedMember(index),
      Member_Account: String(member.account ?? `member_${index}`),
      Role: String(member.role ?? 'Member'),
      JoinTime: Number(member.joinTime ?? JOIN_TIME_BASE),
      MsgSeq: Number(member.msgSeq ?? 0),
      MsgFlag: String(member.msgFlag ?? 'AcceptAndNotify'),
      LastSendMsgTime: Number(member.lastSendMsgTime ?? 0),
      ShutUpUntil: Number(member.shutUpUntil ?? 0),
      NameCard: String(member.nameCard ?? ''),
      AppMemberDefinedData: Object.entries((member.customData ?? {}) as Record<string, unknown>).map(([Key, Value]) => ({ Key, Value: String(Value) })),
    }));
  } else {
    const memberCount = spec.memberCount ?? 0;
    if (typeof memberCount !== 'number' || !Number.isInteger(memberCount) || memberCount < 0 || memberCount > 1_000_000) {
      return 'memberCount must be a whole number up to 1000000';
    }
    members = Array.from({ length: memberCount }, (_, index) => generatedMember(index));
  }
  return {
    groupId,
    type: type as GroupType,
    baseOnlineCount: onlineCount,
    fluctuate: spec.fluctuate === true,
    admins: new Set(admins as string[]),
    members,
  };
};
