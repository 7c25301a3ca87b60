import { openCursor, sealCursor } from '#lib/cursor.ts';
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

// The cursor is base64url JSON {groupId, timestamp, check} (lib/cursor.ts): `check` binds it to the
// group and the timestamp, so a cursor edited by hand or cut short is refused rather than sent upstream.
const PURPOSE = 'online-members';

export const encodeOnlineMembersCursor = ({ groupId, timestamp }: OnlineMembersCursor): string => sealCursor(PURPOSE, { groupId, timestamp });

/** Undefined for anything that is not, exactly, a cursor this API made for `groupId`. */
export const decodeOnlineMembersCursor = (text: string, groupId: string): OnlineMembersCursor | undefined => {
  const fields = openCursor(PURPOSE, text);
  const timestamp = fields?.timestamp;
  if (!fields || Object.keys(fields).join() !== 'groupId,timestamp' || fields.groupId !== groupId) return undefined;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) return undefined;
  return { groupId, timestamp };
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
