import type { Issues } from '#lib/http/validate.ts';
import { groupId } from '#lib/http/validate.ts';
import type { TencentCredentials } from '#lib/tencent/credentials.ts';
import type { Refusal } from './authenticate.ts';
import type { CallbackEffect } from './effects.ts';
import { sameSignature, tencentCallbackSign } from './signatures.ts';

// Tencent Chat third-party callbacks: the query carries SdkAppid, CallbackCommand, Sign and
// RequestTime; the body is the event.

export const TENCENT_WINDOW_MS = 60_000;

export const checkTencentCallback = (query: Record<string, string | undefined>, secret: TencentCredentials, now: number): Refusal | undefined => {
  const { Sign: sign, RequestTime: requestTime, SdkAppid: sdkAppId } = query;
  if (!sign || !requestTime) return 'missing-signature';
  if (!secret.callbackToken) return 'no-callback-secret';
  if (!/^[0-9]{1,12}$/.test(requestTime) || Math.abs(now - Number(requestTime) * 1000) > TENCENT_WINDOW_MS) return 'outside-time-window';
  if (!sameSignature(sign, tencentCallbackSign(secret.callbackToken, requestTime))) return 'wrong-signature';
  if (sdkAppId !== String(secret.sdkAppId)) return 'foreign-app';
  return undefined;
};

const TRACKING_COMMANDS: Record<string, 'create' | 'renew' | 'end'> = {
  'Group.CallbackAfterCreateGroup': 'create',
  'Group.CallbackAfterNewMemberJoin': 'renew',
  'Group.CallbackAfterMemberExit': 'renew',
  'Group.CallbackAfterGroupDestroyed': 'end',
};

/** What an authenticated event does; only live-stream groups are tracked (others have no online count). */
export const tencentCallbackEffect = (command: string | undefined, body: Record<string, unknown>, issues: Issues): CallbackEffect => {
  const role = TRACKING_COMMANDS[command ?? ''];
  if (!role) return { action: 'ignore', reason: `command ${command ?? '(none)'} does not change tracking` };
  const id = typeof body.GroupId === 'string' ? groupId(body.GroupId, issues, 'GroupId') : issues.add('GroupId', 'is required');
  if (id === undefined) return { action: 'ignore', reason: 'no valid GroupId' };
  const target = { kind: 'group', groupId: id } as const;
  if (role === 'end') return { action: 'untrack', target };
  if (body.Type !== 'AVChatRoom') return { action: 'ignore', reason: `group type ${String(body.Type)} is not live-stream` };
  return { action: 'track', target, renewal: role === 'renew' };
};
