import { VOLC_SIGNED_FIELDS } from '#lib/callbacks/signatures.ts';
import { MEMBER_ROLES, type MemberField } from '#lib/groups/members.ts';
import { ERROR_STATUS } from '#lib/http/api-error.ts';
import { ACCOUNT_MAX_BYTES, ADMIN_ACCOUNTS_MAX, ADMIN_ACTIONS, TARGET_KINDS } from '#lib/http/inputs.ts';
import { MAX_TTL_HOURS } from '#lib/http/tracking-body.ts';
import { CONTROL_CHARACTER_CLASS, GROUP_ID_MAX_BYTES, ROOM_ID_PATTERN } from '#lib/http/validate.ts';
import { STEPS } from '#lib/snapshots/history.ts';
import { TRACKING_SOURCES } from '#lib/tracking/tracked-target.ts';
import { PROVIDERS } from '#lib/upstream/failure.ts';

// The JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of every body the API takes and answers.
// Each limit, enum and pattern comes from the module the handlers validate with or answer from,
// never a copy. Our own objects are closed (additionalProperties: false): a field the code starts
// sending without describing it fails the contract tests, which validate every answer.

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const closed = (properties: Record<string, Schema>, required: readonly string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required: [...required],
  additionalProperties: false,
  ...extra,
});
const integer = (minimum?: number, maximum?: number): Schema => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});
const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const unixSeconds = (description: string): Schema => ({ type: 'integer', description: `${description} (Unix seconds, as upstream sends it)` });
const NO_CONTROL_CHARACTERS = `^[^${CONTROL_CHARACTER_CLASS}]*$`;

/** Upstream's member fields, typed; Record<MemberField, …> makes a new field in MEMBER_FIELDS fail to compile until described. */
const MEMBER_FIELD_SCHEMAS: Record<MemberField, Schema> = {
  role: { type: 'string', enum: [...MEMBER_ROLES], description: 'lower-case and trimmed' },
  joinTime: unixSeconds('when the member joined'),
  msgSeq: integer(),
  msgFlag: string({ examples: ['AcceptAndNotify'] }),
  lastSendMsgTime: unixSeconds('when the member last sent a message'),
  shutUpUntil: unixSeconds('muted until'),
  nameCard: string(),
};

const historyOf = (target: 'Group' | 'Room', ids: Record<string, Schema>): Schema => ({
  ...closed({
    ...ids,
    from: ref('Timestamp'),
    to: ref('Timestamp'),
    step: { type: 'string', enum: [...STEPS], description: 'the step used (what `auto` chose)' },
    points: { type: 'array', description: 'oldest first', items: { oneOf: [ref(`${target}RawPoint`), ref('BucketPoint')] } },
    stats: ref('HistoryStats'),
    nextCursor: nullable(string({ description: 'opaque; pass unchanged as `cursor` for the next page' })),
  }),
  // Points are raw ticks with step=raw, buckets with any other step.
  if: { type: 'object', properties: { step: { const: 'raw' } } },
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
  then: { type: 'object', properties: { points: { type: 'array', items: ref(`${target}RawPoint`) } } },
  else: { type: 'object', properties: { points: { type: 'array', items: ref('BucketPoint') } } },
});

const trackingState = (ids: Record<string, Schema>): Schema =>
  closed({
    ...ids,
    tracked: { type: 'boolean' },
    sources: ref('TrackingSources'),
    since: nullable(ref('Timestamp')),
    expiresAt: nullable(ref('Timestamp')),
  });

const groupIds = { kind: { const: 'group' }, groupId: ref('GroupId') };
const roomIds = { kind: { const: 'room' }, roomId: ref('RoomId'), appId: ref('AppId') };

const listedTarget = (ids: Record<string, Schema>, point: string): Schema =>
  closed({
    ...ids,
    sources: ref('TrackingSources'),
    since: nullable(ref('Timestamp')),
    expiresAt: nullable(ref('Timestamp')),
    lastSample: { oneOf: [ref(point), { type: 'null' }], description: 'the newest stored point; null before the first' },
  });

const gapOf = (values: Record<string, Schema>): Schema =>
  closed({ at: ref('Timestamp'), ...values, gap: string({ minLength: 1, description: 'why the tick holds no sample, e.g. upstream-timeout, missed' }) });

export const SCHEMAS: Record<string, Schema> = {
  Timestamp: string({ format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', examples: ['2026-11-21T10:00:00.000Z'] }),
  GroupId: string({
    minLength: 1,
    maxLength: GROUP_ID_MAX_BYTES,
    pattern: NO_CONTROL_CHARACTERS,
    description: `A Tencent group ID: 1-${GROUP_ID_MAX_BYTES} bytes of UTF-8, no control characters; percent-encoded in a path.`,
    examples: ['@TGS#a6I4ZUUGO'],
  }),
  RoomId: string({ pattern: ROOM_ID_PATTERN, description: 'A Volcengine RTC room ID.', examples: ['room1'] }),
  AppId: string({ pattern: ROOM_ID_PATTERN, description: 'A Volcengine RTC AppId.', examples: ['Your_AppId'] }),

  Error: closed({
    error: closed(
      {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: string({ description: 'human readable; never internals or secrets' }),
        requestId: string({ description: 'the x-request-id of the answer' }),
        details: {
          type: 'array',
          minItems: 1,
          description: 'every problem of a request that failed validation',
          items: closed({ field: string(), issue: string() }),
        },
        upstream: {
          ...closed({ provider: { type: 'string', enum: [...PROVIDERS] }, code: { type: ['integer', 'string'] }, info: string() }),
          description: 'the upstream answer that caused the error',
        },
      },
      ['code', 'message', 'requestId'],
    ),
  }),
  GatewayMessage: {
    ...closed({ message: string({ examples: ['Unauthorized', 'Forbidden'] }) }),
    description: "API Gateway's own answer when a request fails authorization, before livegate runs (deployed stacks only).",
  },

  OnlineCount: closed({ groupId: ref('GroupId'), onlineCount: integer(0), fetchedAt: ref('Timestamp') }),

  Member: {
    ...closed(
      {
        account: string(),
        ...MEMBER_FIELD_SCHEMAS,
        customData: { type: 'object', additionalProperties: true, description: 'custom member fields, by key' },
      },
      ['account'],
    ),
    description: 'Fields not asked for (`fields`) are absent.',
  },
  MemberPage: closed({
    groupId: ref('GroupId'),
    memberCount: integer(0),
    offset: integer(0),
    nextOffset: nullable(integer(0)),
    members: { type: 'array', items: ref('Member') },
  }),

  AdminChangeRequest: closed({
    action: { type: 'string', enum: [...ADMIN_ACTIONS] },
    accounts: {
      type: 'array',
      minItems: 1,
      maxItems: ADMIN_ACCOUNTS_MAX,
      uniqueItems: true,
      items: string({
        minLength: 1,
        maxLength: ACCOUNT_MAX_BYTES,
        pattern: `^(?=.*\\S)[^${CONTROL_CHARACTER_CLASS}]*$`,
        description: `not blank; at most ${ACCOUNT_MAX_BYTES} bytes of UTF-8, no control characters`,
      }),
    },
  }),
  AdminChange: closed({
    groupId: ref('GroupId'),
    action: { type: 'string', enum: [...ADMIN_ACTIONS] },
    accounts: { type: 'array', items: string() },
  }),
  Admin: closed({ account: string(), nickName: string({ minLength: 1 }), avatar: string({ minLength: 1 }) }, ['account']),
  AdminList: closed({ groupId: ref('GroupId'), admins: { type: 'array', items: ref('Admin') } }),
  OnlineMember: closed(
    { account: string(), joinTime: unixSeconds('when the member joined'), nickName: string({ minLength: 1 }), avatar: string({ minLength: 1 }) },
    ['account', 'joinTime'],
  ),
  OnlineMemberPage: closed({
    groupId: ref('GroupId'),
    members: { type: 'array', items: ref('OnlineMember') },
    nextCursor: nullable(string({ description: 'opaque; pass unchanged as `cursor` for the next page' })),
  }),

  RoomOnlineUsers: closed({
    appId: ref('AppId'),
    roomId: ref('RoomId'),
    roomExists: { type: 'boolean' },
    totalUsers: integer(0),
    totalInvisibleUsers: integer(0),
    visibleUsers: { type: 'array', items: string() },
    invisibleUsers: { type: 'array', items: string() },
    fetchedAt: ref('Timestamp'),
  }),

  GroupSample: closed({ at: ref('Timestamp'), onlineCount: integer(0) }),
  GroupGap: gapOf({ onlineCount: { type: 'null' } }),
  GroupRawPoint: { oneOf: [ref('GroupSample'), ref('GroupGap')] },
  RoomSample: closed({ at: ref('Timestamp'), totalUsers: integer(0), totalInvisibleUsers: integer(0) }),
  RoomGap: gapOf({ totalUsers: { type: 'null' }, totalInvisibleUsers: { type: 'null' } }),
  RoomRawPoint: { oneOf: [ref('RoomSample'), ref('RoomGap')] },
  BucketPoint: {
    ...closed({
      at: ref('Timestamp'),
      samples: integer(0),
      gaps: integer(0),
      min: nullable(integer(0)),
      max: nullable(integer(0)),
      avg: nullable({ type: 'number', minimum: 0 }),
      last: nullable(integer(0)),
    }),
    description: 'One bucket of a stepped history, starting at `at` (rooms: of totalUsers).',
  },
  HistoryStats: {
    ...closed({
      samples: integer(0),
      gaps: integer(0),
      peak: nullable(integer(0)),
      peakAt: nullable(ref('Timestamp')),
      min: nullable(integer(0)),
      avg: nullable({ type: 'number', minimum: 0 }),
    }),
    description: 'Over every point in [from, to], not only this page.',
  },
  GroupHistory: historyOf('Group', { groupId: ref('GroupId') }),
  RoomHistory: historyOf('Room', { roomId: ref('RoomId'), appId: ref('AppId') }),

  TrackingSources: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...TRACKING_SOURCES] } },
  TrackingBody: closed({ ttlHours: integer(1, MAX_TTL_HOURS) }, []),
  GroupTracking: trackingState(groupIds),
  RoomTracking: trackingState(roomIds),
  TrackedGroup: listedTarget(groupIds, 'GroupRawPoint'),
  TrackedRoom: listedTarget(roomIds, 'RoomRawPoint'),
  TrackingList: closed({
    targets: { type: 'array', description: 'groups first, then rooms', items: { oneOf: [ref('TrackedGroup'), ref('TrackedRoom')] } },
    nextCursor: nullable(string({ description: 'opaque; pass unchanged as `cursor` for the next page' })),
  }),
  TargetKind: { type: 'string', enum: [...TARGET_KINDS] },

  TencentCallbackEvent: {
    type: 'object',
    description: "Tencent's callback body; the fields livegate reads are listed, any other is allowed.",
    properties: { CallbackCommand: string(), GroupId: ref('GroupId'), Type: string({ examples: ['AVChatRoom'] }) },
    additionalProperties: true,
  },
  TencentCallbackAck: closed({ ActionStatus: { const: 'OK' }, ErrorCode: { const: 0 }, ErrorInfo: { const: '' } }),
  VolcengineCallbackEvent: {
    type: 'object',
    description: 'A Volcengine RTC event; `Signature` covers the other listed fields.',
    properties: Object.fromEntries([...VOLC_SIGNED_FIELDS, 'Signature'].map((field) => [field, string()])),
    required: [...VOLC_SIGNED_FIELDS, 'Signature'],
    additionalProperties: true,
  },
  VolcengineCallbackAck: closed({ ok: { const: true } }),

  OpenApiDocument: {
    type: 'object',
    description: 'This document (OpenAPI 3.1).',
    properties: { openapi: string({ pattern: '^3\\.1\\.\\d+$' }), info: { type: 'object' }, paths: { type: 'object' } },
    required: ['openapi', 'info', 'paths'],
  },
};
