import type { CallbackAttempt, CallbackOutcome } from '#emulator/callbacks.ts';
import type { EmulatorLimits } from '#emulator/context.ts';
import type { CredentialsChange } from '#emulator/control.ts';
import type { StoredGroupMessage, StoredRoomMessage } from '#emulator/state.ts';
import type { ApiStats, Fault } from '#emulator/traffic.ts';

// The emulator's control API (docs/EMULATOR.md), as tests, benchmarks and `npm start` drive it.

export interface EmulatorStats {
  apis: Record<string, ApiStats>;
}

/** What a control call that can send callbacks answers about them (empty when no URL is set). */
export interface WithCallbacks {
  callbacks: CallbackOutcome[];
}

export interface GroupMemberChange extends WithCallbacks {
  groupId: string;
  account: string;
  /** false when the member was already online (join) or already offline (leave). */
  changed: boolean;
  online: boolean;
  onlineCount: number;
}

export interface RoomUserChange extends WithCallbacks {
  appId: string;
  roomId: string;
  userId: string;
  changed: boolean;
  roomCreated: boolean;
  totalUsers: number;
}

/** `baseUrl` may be a function, for callers that learn the emulator's address after loading this. */
export const emulatorClient = (baseUrl: string | (() => string)) => {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const url = typeof baseUrl === 'string' ? baseUrl : baseUrl();
    const response = await fetch(`${url}/_emulator${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const groupPath = (groupId: string) => `/tencent/groups/${encodeURIComponent(groupId)}`;
  const roomPath = (appId: string, roomId: string) => `/volc/apps/${encodeURIComponent(appId)}/rooms/${encodeURIComponent(roomId)}`;
  return {
    /** Forgets groups, rooms, messages, faults, counters and the callback log. */
    reset: () => control<{ reset: true }>('POST', '/reset'),
    /** Creates (sending Group.CallbackAfterCreateGroup) or replaces a group. */
    putGroup: (groupId: string, spec: Record<string, unknown>) =>
      control<{ groupId: string; type: string; memberCount: number; onlineCount: number; created: boolean } & WithCallbacks>('PUT', groupPath(groupId), spec),
    getGroup: (groupId: string) =>
      control<{ groupId: string; type: string; name: string; admins: string[]; memberCount: number; onlineCount: number; onlineMembers: number }>(
        'GET',
        groupPath(groupId),
      ),
    /** Destroys a group (Group.CallbackAfterGroupDestroyed). */
    deleteGroup: (groupId: string) => control<{ groupId: string; destroyed: true } & WithCallbacks>('DELETE', groupPath(groupId)),
    /** The account comes online, joining first if need be (Group.CallbackAfterNewMemberJoin); onlineCount follows. */
    joinGroup: (groupId: string, account: string, profile: { nickName?: string; avatar?: string } = {}) =>
      control<GroupMemberChange>('POST', `${groupPath(groupId)}/join`, { account, ...profile }),
    /** The member goes offline (Group.CallbackAfterMemberExit); onlineCount follows. */
    leaveGroup: (groupId: string, account: string) => control<GroupMemberChange>('POST', `${groupPath(groupId)}/leave`, { account }),
    /** Every send_group_msg stored for the group, oldest first. */
    groupMessages: (groupId: string) => control<{ groupId: string; messages: StoredGroupMessage[] }>('GET', `${groupPath(groupId)}/messages`),
    /** Groups `@TGS#a<prefix>0` to `@TGS#a<prefix><count - 1>`; no creation callbacks unless `callbacks: true`. */
    createGroups: (spec: { prefix: string; count: number; type?: string; onlineCount?: number; fluctuate?: boolean; callbacks?: boolean }) =>
      control<{ created: number; first: string; last: string; callbacks?: CallbackOutcome[] }>('POST', '/tencent/groups', spec),
    /** Creates (RoomCreate) or replaces a room. */
    putRoom: (appId: string, roomId: string, spec: { visibleUsers?: string[]; invisibleUsers?: string[] }) =>
      control<{ ok: true; created: boolean } & WithCallbacks>('PUT', roomPath(appId, roomId), spec),
    /** Ends a room (RoomDestroy). */
    deleteRoom: (appId: string, roomId: string) => control<{ appId: string; roomId: string; ended: true } & WithCallbacks>('DELETE', roomPath(appId, roomId)),
    /** The user enters the room, created by this first join if need be (RoomCreate, UserJoinRoom). */
    joinRoom: (appId: string, roomId: string, userId: string, visible = true) =>
      control<RoomUserChange>('POST', `${roomPath(appId, roomId)}/join`, { userId, visible }),
    /** The user leaves the room (UserLeaveRoom). */
    leaveRoom: (appId: string, roomId: string, userId: string) => control<RoomUserChange>('POST', `${roomPath(appId, roomId)}/leave`, { userId }),
    /** Every SendBroadcast stored for the room, oldest first. */
    roomMessages: (appId: string, roomId: string) =>
      control<{ appId: string; roomId: string; messages: StoredRoomMessage[] }>('GET', `${roomPath(appId, roomId)}/messages`),
    /** Every callback attempt sent since the last reset, oldest first. */
    callbacks: () => control<{ callbacks: CallbackAttempt[] }>('GET', '/callbacks'),
    addFault: (fault: Partial<Fault>) => control<Fault>('POST', '/faults', fault),
    clearFaults: () => control<{ cleared: true }>('DELETE', '/faults'),
    /** What the emulator verifies, signs callbacks with and its Secrets Manager serves change together. */
    rotate: (change: CredentialsChange) => control<{ rotated: true }>('PUT', '/credentials', change),
    /** Answers the limits now in force (`{}` reads them). */
    setLimits: (limits: Partial<EmulatorLimits>) => control<EmulatorLimits>('PUT', '/limits', limits),
    /** Where the emulator sends callbacks from now on; a URL left out (or null) stops that provider's. */
    setCallbackTargets: (targets: { tencentUrl?: string | null; volcUrl?: string | null }) =>
      control<{ tencentUrl: string | null; volcUrl: string | null }>('PUT', '/callbacks/targets', targets),
    stats: () => control<EmulatorStats>('GET', '/stats'),
  };
};

export type EmulatorClient = ReturnType<typeof emulatorClient>;
