import type { EmulatedGroup, EmulatorState } from './state.ts';

// What every emulated Tencent Chat REST API shares: the answer envelope (HTTP 200 always, the
// outcome in ActionStatus / ErrorCode / ErrorInfo), the group ID rules and the group lookup.

export type TencentAnswer = Record<string, unknown>;

export const ok = (fields: Record<string, unknown> = {}): TencentAnswer => ({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...fields });
export const failure = (errorCode: number, errorInfo: string): TencentAnswer => ({ ActionStatus: 'FAIL', ErrorInfo: errorInfo, ErrorCode: errorCode });

export const UINT32_MAX = 4_294_967_295;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** Tencent's own group ID rules: its generated IDs (@TGS#...) or custom IDs of printable ASCII. */
export const isWellFormedGroupId = (groupId: string): boolean => {
  if (groupId.length === 0 || Buffer.byteLength(groupId) > 48 || !PRINTABLE_ASCII.test(groupId)) return false;
  if (groupId.startsWith('@TGS#')) return /^@TGS#[A-Za-z0-9]+$/.test(groupId);
  return true;
};

/** The body's group: 10004 without a GroupId, 10015 for a malformed one, 10010 for an unknown one. */
export const lookupGroup = (state: EmulatorState, body: Record<string, unknown>): EmulatedGroup | TencentAnswer => {
  const groupId = body.GroupId;
  if (typeof groupId !== 'string' || groupId === '') return failure(10004, 'GroupId is required');
  if (!isWellFormedGroupId(groupId)) return failure(10015, `invalid group id: ${groupId}`);
  const group = state.groups.get(groupId);
  return group ?? failure(10010, 'the group does not exist or has been disbanded');
};

export const isAnswer = (value: EmulatedGroup | TencentAnswer): value is TencentAnswer => 'ActionStatus' in value;

export const stringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

export const nonNegativeInteger = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

export const isJsonObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
