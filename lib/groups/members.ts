import type { Deadline } from '#lib/deadline.ts';
import { inPool } from '#lib/pool.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { isFailureOfKind, UpstreamFailure } from '#lib/upstream/failure.ts';

export const MEMBER_FIELDS = ['role', 'joinTime', 'msgSeq', 'msgFlag', 'lastSendMsgTime', 'shutUpUntil', 'nameCard'] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];
export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MAX_MEMBER_LIMIT = 6000;

const UPSTREAM_FIELD: Record<MemberField, string> = {
  role: 'Role',
  joinTime: 'JoinTime',
  msgSeq: 'MsgSeq',
  msgFlag: 'MsgFlag',
  lastSendMsgTime: 'LastSendMsgTime',
  shutUpUntil: 'ShutUpUntil',
  nameCard: 'NameCard',
};
const UPSTREAM_ROLE: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

export interface MemberQuery {
  groupId: string;
  limit: number;
  offset: number;
  fields?: MemberField[] | undefined;
  roles?: MemberRole[] | undefined;
  customFields?: string[] | undefined;
}

export type Member = { account: string } & Partial<Record<MemberField, unknown>> & { customData?: Record<string, unknown> };

export interface MemberPage {
  groupId: string;
  memberCount: number;
  offset: number;
  nextOffset: number | null;
  members: Member[];
}

export interface MemberFetchOptions {
  /** The largest Limit sent upstream in one call. */
  pageSize: number;
  /** Upstream calls in flight at once while filling one request. */
  concurrency?: number;
}

/** Converts one upstream member; fields not asked for stay absent even if upstream sent them. */
export const toMember = (raw: Record<string, unknown>, fields: readonly MemberField[] | undefined): Member => {
  const member: Member = { account: String(raw.Member_Account ?? '') };
  for (const field of fields ?? MEMBER_FIELDS) {
    const value = raw[UPSTREAM_FIELD[field]];
    if (value === undefined) continue;
    member[field] = field === 'role' && typeof value === 'string' ? value.trim().toLowerCase() : value;
  }
  if (Array.isArray(raw.AppMemberDefinedData)) {
    const customData: Record<string, unknown> = {};
    for (const entry of raw.AppMemberDefinedData as Array<{ Key?: unknown; Value?: unknown }>) {
      if (typeof entry?.Key === 'string') customData[entry.Key] = entry.Value;
    }
    member.customData = customData;
  }
  return member;
};

// When Tencent answers 10018 (answer over 1 MB) the size that finally worked is kept for the
// same kind of request, so the next caller does not pay for the failed attempt again.
const learnedPageSize = new Map<string, number>();
const shapeKey = (query: MemberQuery): string => JSON.stringify([query.fields ?? null, query.roles ?? null, query.customFields ?? null]);

export const fetchMembers = async (client: TencentChatClient, query: MemberQuery, deadline: Deadline, options: MemberFetchOptions): Promise<MemberPage> => {
  const key = shapeKey(query);
  const pageSize = Math.min(options.pageSize, learnedPageSize.get(key) ?? options.pageSize);
  let memberCount: number | undefined;
  let smallestSplit = Number.POSITIVE_INFINITY;

  const baseBody: Record<string, unknown> = { GroupId: query.groupId };
  if (query.fields) baseBody.MemberInfoFilter = query.fields.map((field) => UPSTREAM_FIELD[field]);
  if (query.roles) baseBody.MemberRoleFilter = query.roles.map((role) => UPSTREAM_ROLE[role]);
  if (query.customFields) baseBody.AppDefinedDataFilter_GroupMember = query.customFields;

  const fetchRange = async (offset: number, limit: number): Promise<Record<string, unknown>[]> => {
    try {
      const answer = await client.call('get_group_member_info', { ...baseBody, Limit: limit, Offset: offset }, deadline);
      if (typeof answer.MemberNum === 'number') memberCount = answer.MemberNum;
      if (!Array.isArray(answer.MemberList)) {
        throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'MemberList is missing');
      }
      return answer.MemberList as Record<string, unknown>[];
    } catch (error) {
      if (!isFailureOfKind(error, 'answer-too-large') || limit <= 1) throw error;
      const half = Math.ceil(limit / 2);
      smallestSplit = Math.min(smallestSplit, half);
      // Halves run one after the other: the first tells whether the second is past the end.
      const first = await fetchRange(offset, half);
      if (memberCount !== undefined && offset + half >= memberCount) return first;
      return [...first, ...(await fetchRange(offset + half, limit - half))];
    }
  };

  const end = query.offset + query.limit;
  const first = await fetchRange(query.offset, Math.min(pageSize, query.limit));
  // The first answer tells how many members exist, so no call is made past the end.
  const knownEnd = Math.min(end, memberCount ?? end);
  const rest: Array<() => Promise<Record<string, unknown>[]>> = [];
  for (let offset = query.offset + pageSize; offset < knownEnd; offset += pageSize) {
    const limit = Math.min(pageSize, end - offset);
    rest.push(() => fetchRange(offset, limit));
  }
  const pages = [first, ...(await inPool(rest, options.concurrency ?? 4))];
  if (smallestSplit < pageSize) {
    if (learnedPageSize.size >= 256) learnedPageSize.clear();
    learnedPageSize.set(key, smallestSplit);
  }

  const members = pages
    .flat()
    .slice(0, query.limit)
    .map((raw) => toMember(raw, query.fields));
  const total = memberCount ?? query.offset + members.length;
  return {
    groupId: query.groupId,
    memberCount: total,
    offset: query.offset,
    nextOffset: end < total ? end : null,
    members,
  };
};
