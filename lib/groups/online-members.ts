import { createHash } from 'node:crypto';
import type { Deadline } from '#lib/deadline.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { type AccountProfile, profileOf } from './profile.ts';

export type OnlineMember = { account: string; joinTime: number } & AccountProfile;

export interface OnlineMemberPage {
  groupId: string;
  members: OnlineMember[];
  nextCursor: string | null;
}

/** Where the next page starts: upstream's NextTimestamp, for one group only. */
export interface OnlineMembersCursor {
  groupId: string;
  timestamp: number;
}

// The cursor is base64url JSON {groupId, timestamp, check}. `check` is a digest of the other two, so
// a cursor edited by hand or cut short is refused rather than sent upstream. It is not a signature
// and need not be: a cursor gives no access that the caller does not already have.
const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,512}$/;
const checkOf = (groupId: string, timestamp: number): string =>
  createHash('sha256').update(`online-members\n${groupId}\n${timestamp}`).digest('base64url').slice(0, 16);

export const encodeOnlineMembersCursor = ({ groupId, timestamp }: OnlineMembersCursor): string =>
  Buffer.from(JSON.stringify({ groupId, timestamp, check: checkOf(groupId, timestamp) }), 'utf8').toString('base64url');

/** Undefined for anything that is not, exactly, a cursor this API made for `groupId`. */
export const decodeOnlineMembersCursor = (text: string, groupId: string): OnlineMembersCursor | undefined => {
  if (!CURSOR_TEXT.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  const { timestamp } = fields;
  if (fields.groupId !== groupId || typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) return undefined;
  const cursor = { groupId, timestamp };
  // Only the exact text this API wrote: no other key order, extra field, padding or stray bit.
  return encodeOnlineMembersCursor(cursor) === text ? cursor : undefined;
};

const badAnswer = (info: string): UpstreamFailure => new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', info);

const toOnlineMember = (raw: unknown): OnlineMember => {
  const entry = (raw ?? {}) as Record<string, unknown>;
  const { Member_Account: account, JoinTime: joinTime } = entry;
  if (typeof account !== 'string' || typeof joinTime !== 'number' || !Number.isSafeInteger(joinTime) || joinTime < 0) {
    throw badAnswer('a MemberList entry has no Member_Account or JoinTime');
  }
  return { account, joinTime, ...profileOf(entry) };
};

/**
 * One page of a live-stream group's online members, as upstream pages them (latest to join first,
 * the 1,000 latest at most), from the first page or from a cursor: one upstream call.
 */
export const fetchOnlineMembers = async (
  client: TencentChatClient,
  query: { groupId: string; cursor?: OnlineMembersCursor | undefined },
  deadline: Deadline,
): Promise<OnlineMemberPage> => {
  const { groupId } = query;
  const answer = await client.call('get_members', { GroupId: groupId, Timestamp: query.cursor?.timestamp ?? 0 }, deadline);
  // A group nobody is watching may come without the list at all.
  const list = answer.MemberList ?? [];
  if (!Array.isArray(list)) throw badAnswer('MemberList is not a list');
  // Without NextTimestamp there is no telling whether more pages follow: not an answer to pass on.
  const next = answer.NextTimestamp;
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) throw badAnswer('NextTimestamp is missing or not a non-negative integer');
  return {
    groupId,
    members: list.map(toOnlineMember),
    nextCursor: next === 0 ? null : encodeOnlineMembersCursor({ groupId, timestamp: next }),
  };
};
