import type { ServerResponse } from 'node:http';
import type { EmulatorContext } from './context.ts';
import type { EmulatorCredentials } from './credentials.ts';
import { applyFault } from './fault-injection.ts';
import { parseJson, send } from './http.ts';
import { currentOnlineCount, type EmulatorState } from './state.ts';
import { getAdminList, getMembers } from './tencent-avchatroom.ts';
import { failure, isAnswer, isJsonObject, lookupGroup, nonNegativeInteger, ok, stringArray, type TencentAnswer, UINT32_MAX } from './tencent-common.ts';
import { sendGroupMsg } from './tencent-messages.ts';
import { verifyUserSig } from './usersig-verify.ts';

// Tencent Cloud Chat REST APIs as documented in shared/seeds (and, beside them, the live-group
// APIs of docs/EMULATOR.md): HTTP 200 always, the outcome in ActionStatus / ErrorCode / ErrorInfo.

export const TENCENT_PATHS: Record<string, string> = {
  '/v4/group_open_http_svc/get_online_member_num': 'get_online_member_num',
  '/v4/group_open_http_svc/get_group_member_info': 'get_group_member_info',
  '/v4/group_open_avchatroom_http_svc/modify_admin': 'modify_admin',
  '/v4/group_open_http_svc/get_appid_group_list': 'get_appid_group_list',
  '/v4/group_open_avchatroom_http_svc/get_admin_list': 'get_admin_list',
  '/v4/group_open_avchatroom_http_svc/get_members': 'get_members',
  '/v4/group_open_http_svc/send_group_msg': 'send_group_msg',
};

const MAX_ANSWER_BYTES = 1024 * 1024;
const AVCHATROOM_PROFILE_CAP = 300;
const MAX_ADMINS = 5;
const MAX_MEMBER_LIMIT = 6000;

/** Checks the common query parameters and the UserSig; returns a failure, or undefined when all hold. */
export const checkCommonParameters = (query: URLSearchParams, credentials: EmulatorCredentials['tencent'], nowSeconds: number): TencentAnswer | undefined => {
  const sdkAppId = query.get('sdkappid');
  if (!sdkAppId) return failure(60012, 'sdkappid is required');
  if (!/^[0-9]+$/.test(sdkAppId) || Number(sdkAppId) !== credentials.sdkAppId) return failure(70020, 'SDKAppID not found');
  const identifier = query.get('identifier');
  if (!identifier) return failure(60002, 'identifier is required');
  const random = query.get('random');
  if (random === null || !/^[0-9]{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
    return failure(60002, 'random must be an integer from 0 to 4294967295');
  }
  if (query.get('contenttype') !== 'json') return failure(60002, 'contenttype must be json');
  const userSig = query.get('usersig');
  if (!userSig) return failure(70003, 'usersig is required');
  const verdict = verifyUserSig(userSig, { sdkAppId: Number(sdkAppId), identifier, secretKey: credentials.secretKey }, nowSeconds);
  if (!verdict.ok) return failure(verdict.errorCode, verdict.errorInfo);
  if (identifier !== credentials.adminIdentifier) return failure(60010, 'only the app admin may call REST APIs');
  return undefined;
};

const MEMBER_INFO_FIELDS = new Set(['Role', 'JoinTime', 'MsgSeq', 'MsgFlag', 'LastSendMsgTime', 'ShutUpUntil', 'NameCard']);
const ROLES = new Set(['Owner', 'Admin', 'Member']);

const getGroupMemberInfo = (state: EmulatorState, body: Record<string, unknown>): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  if (body.Limit !== undefined && !nonNegativeInteger(body.Limit, MAX_MEMBER_LIMIT))
    return failure(10004, `Limit must be an integer from 0 to ${MAX_MEMBER_LIMIT}`);
  if (body.Offset !== undefined && !nonNegativeInteger(body.Offset, 2 ** 31 - 1)) return failure(10004, 'Offset must be a non-negative integer');
  const infoFilter = body.MemberInfoFilter;
  if (infoFilter !== undefined && (!stringArray(infoFilter) || infoFilter.some((field) => !MEMBER_INFO_FIELDS.has(field)))) {
    return failure(10004, 'MemberInfoFilter has an unknown field');
  }
  const roleFilter = body.MemberRoleFilter;
  if (roleFilter !== undefined && (!stringArray(roleFilter) || roleFilter.some((role) => !ROLES.has(role)))) {
    return failure(10004, 'MemberRoleFilter must list Owner, Admin or Member');
  }
  const customFilter = body.AppDefinedDataFilter_GroupMember;
  if (customFilter !== undefined && !stringArray(customFilter)) return failure(10004, 'AppDefinedDataFilter_GroupMember must be a list of keys');

  // Live-stream groups expose the profiles of their first 300 members only.
  const visible = group.type === 'AVChatRoom' ? group.members.slice(0, AVCHATROOM_PROFILE_CAP) : group.members;
  const byRole = roleFilter ? visible.filter((member) => roleFilter.includes(member.Role.trim())) : visible;
  const offset = (body.Offset as number | undefined) ?? 0;
  const limit = body.Limit === undefined || body.Limit === 0 ? byRole.length : (body.Limit as number);
  const page = byRole.slice(offset, offset + limit);
  const withCustom = customFilter !== undefined || infoFilter === undefined;
  const MemberList = page.map((member) => {
    const out: Record<string, unknown> = { Member_Account: member.Member_Account };
    for (const [key, value] of Object.entries(member)) {
      if (MEMBER_INFO_FIELDS.has(key) && (!infoFilter || infoFilter.includes(key))) out[key] = value;
    }
    if (withCustom) {
      out.AppMemberDefinedData = customFilter ? member.AppMemberDefinedData.filter((entry) => customFilter.includes(entry.Key)) : member.AppMemberDefinedData;
    }
    return out;
  });
  const answer = ok({ MemberNum: group.members.length, MemberList });
  if (Buffer.byteLength(JSON.stringify(answer)) > MAX_ANSWER_BYTES) {
    return failure(10018, 'the answer exceeds 1 MB; use Limit and Offset to page');
  }
  return answer;
};

const modifyAdmin = (state: EmulatorState, body: Record<string, unknown>): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  if (group.type !== 'AVChatRoom') return failure(10007, 'only live-stream (AVChatRoom) groups have this API');
  if (body.CommandType !== 1 && body.CommandType !== 2) return failure(10004, 'CommandType must be 1 (set) or 2 (cancel)');
  const accounts = body.Admin_Account;
  if (!stringArray(accounts) || accounts.length === 0 || accounts.some((account) => account === '')) {
    return failure(10004, 'Admin_Account must be a non-empty list of accounts');
  }
  if (body.CommandType === 2) {
    for (const account of accounts) group.admins.delete(account);
    return ok();
  }
  const after = new Set([...group.admins, ...accounts]);
  if (after.size > MAX_ADMINS) return failure(10004, `admin count exceeds the limit of ${MAX_ADMINS} admins for a live-stream group`);
  group.admins = after;
  return ok();
};

const getOnlineMemberNum = (state: EmulatorState, body: Record<string, unknown>, nowMs: number): TencentAnswer => {
  const group = lookupGroup(state, body);
  if (isAnswer(group)) return group;
  if (group.type !== 'AVChatRoom') return failure(10007, 'the online count is available for live-stream (AVChatRoom) groups only');
  return ok({ OnlineMemberNum: currentOnlineCount(group, nowMs) });
};

const getAppidGroupList = (state: EmulatorState, body: Record<string, unknown>): TencentAnswer => {
  if (body.Limit !== undefined && (!nonNegativeInteger(body.Limit, 10_000) || body.Limit === 0))
    return failure(10004, 'Limit must be an integer from 1 to 10000');
  if (body.Next !== undefined && !nonNegativeInteger(body.Next, Number.MAX_SAFE_INTEGER)) return failure(10004, 'Next must be a non-negative integer');
  if (body.GroupType !== undefined && typeof body.GroupType !== 'string') return failure(10004, 'GroupType must be a string');
  const all = [...state.groups.values()].filter((group) => body.GroupType === undefined || group.type === body.GroupType);
  const start = (body.Next as number | undefined) ?? 0;
  const limit = (body.Limit as number | undefined) ?? 10_000;
  const page = all.slice(start, start + limit);
  const next = start + page.length < all.length ? start + page.length : 0;
  return ok({ TotalCount: all.length, GroupIdList: page.map((group) => ({ GroupId: group.groupId })), Next: next });
};

export const handleTencentApi = (api: string, state: EmulatorState, body: Record<string, unknown>, nowMs: number): TencentAnswer => {
  switch (api) {
    case 'get_online_member_num':
      return getOnlineMemberNum(state, body, nowMs);
    case 'get_group_member_info':
      return getGroupMemberInfo(state, body);
    case 'modify_admin':
      return modifyAdmin(state, body);
    case 'get_appid_group_list':
      return getAppidGroupList(state, body);
    case 'get_admin_list':
      return getAdminList(state, body);
    case 'get_members':
      return getMembers(state, body);
    case 'send_group_msg':
      return sendGroupMsg(state, body, nowMs);
    default:
      return failure(60009, 'unknown API');
  }
};

/** An injected error code, answered as Tencent answers every error: in an HTTP 200 body. */
export const tencentFaultAnswer = (errorCode: number): TencentAnswer => failure(errorCode, 'fault injected by the emulator');

/** One call to a Tencent REST API, checked in the order the service checks it (docs/EMULATOR.md). */
export const serveTencent = async (context: EmulatorContext, api: string, url: URL, body: Buffer, res: ServerResponse): Promise<void> => {
  const { traffic } = context;
  const answer = (payload: TencentAnswer) => {
    if (payload.ErrorCode) traffic.recordRejection(api, payload.ErrorCode as number);
    send(res, 200, payload);
  };
  const inLastSecond = traffic.recordCall(api);
  // applyFault has counted the rejection already, so the fault answer does not go through answer().
  if (await applyFault(traffic, 'tencent', api, res, (code) => send(res, 200, tencentFaultAnswer(code)))) return;
  if (inLastSecond > context.limits.tencentPerSecond) return answer(failure(60007, 'REST API call frequency exceeds the limit'));
  const rejected = checkCommonParameters(url.searchParams, context.credentials.tencent, Math.floor(context.clock() / 1000));
  if (rejected) return answer(rejected);
  const parsed = parseJson(body);
  if (!isJsonObject(parsed)) return answer(failure(60003, 'the request body is not a JSON object'));
  answer(handleTencentApi(api, context.state, parsed, context.clock()));
};
