import { type EmulatedMember, type EmulatorState, ONLINE_SEQ_LIMIT } from './state.ts';
import { failure, isAnswer, lookupGroup, nonNegativeInteger, ok, type TencentAnswer } from './tencent-common.ts';

// The live-stream (AVChatRoom) group reads beside the seeds: get_admin_list and get_members
// (Tencent Chat "Obtaining the List of Live Streaming Group Administrators" and "Getting the List
// of Online Members in Audio-Video Group"; see docs/EMULATOR.md for the choices made).

/** Tencent returns at most this many online members, the latest to join first. */
export const ONLINE_LIST_CAP = 1000;
/** Members per get_members page: the Chinese page says 250 (the English one 500). */
export const ONLINE_PAGE_SIZE = 250;

/** NickName and Avatar, each only when the account has one. */
const profileOf = (member: EmulatedMember | undefined): Record<string, string> => ({
  ...(member?.NickName === undefined ? {} : { NickName: member.NickName }),
  ...(member?.Avatar === undefined ? {} : { Avatar: member.Avatar }),
});

export const getAdminList = (state: EmulatorState, body: Record<string, unknown>): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  if (group.type !== 'AVChatRoom') return failure(10007, 'only live-stream (AVChatRoom) groups have this API');
  // An admin need not be in the group (modify_admin); then only the account is known.
  const Admin_List = [...group.admins].map((account) => ({
    Admin_Account: account,
    ...profileOf(group.members.find((member) => member.Member_Account === account)),
  }));
  return ok({ Admin_List });
};

/**
 * The position of a member in the online list, latest join first, as one integer that fits a
 * JSON number exactly: JoinTime (Unix seconds, < 2^32) above onlineSeq (< 2^21). Members with
 * the same JoinTime are told apart by onlineSeq, so no member repeats or goes missing between
 * pages, whatever their join times.
 */
export const onlineListKey = (member: EmulatedMember): number => member.JoinTime * ONLINE_SEQ_LIMIT + member.onlineSeq;

export const getMembers = (state: EmulatorState, body: Record<string, unknown>): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  if (group.type !== 'AVChatRoom') return failure(10007, 'only live-stream (AVChatRoom) groups have an online member list');
  const timestamp = body.Timestamp;
  if (timestamp === undefined) return failure(10004, 'Timestamp is required: 0 for the first page, then NextTimestamp');
  if (!nonNegativeInteger(timestamp, Number.MAX_SAFE_INTEGER)) return failure(10004, 'Timestamp must be a non-negative integer');
  const mark = body.Mark;
  if (mark !== undefined && !nonNegativeInteger(mark, 4_294_967_295)) return failure(10004, 'Mark must be a non-negative integer');

  const latest = group.members
    .filter((member) => member.online && (mark === undefined || (member.Marks ?? []).includes(mark)))
    .map((member) => ({ member, key: onlineListKey(member) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, ONLINE_LIST_CAP);
  // Timestamp 0 starts at the latest member; any other value continues after the member it names.
  const start = timestamp === 0 ? 0 : latest.findIndex((entry) => entry.key < timestamp);
  const page = start === -1 ? [] : latest.slice(start, start + ONLINE_PAGE_SIZE);
  const more = start !== -1 && start + ONLINE_PAGE_SIZE < latest.length;
  return ok({
    MemberList: page.map(({ member }) => ({ Member_Account: member.Member_Account, JoinTime: member.JoinTime, ...profileOf(member) })),
    NextTimestamp: more ? (page[page.length - 1] as { key: number }).key : 0,
  });
};
