import { DASHBOARD_FILES, dashboardAsset } from '#lib/dashboard/site.ts';
import { MEMBER_FIELDS, MEMBER_ROLES } from '#lib/groups/members.ts';
import type { ErrorCode } from '#lib/http/api-error.ts';
import { HISTORY_LIMIT, ISO_8601_PATTERN } from '#lib/http/history-query.ts';
import { MAX_CUSTOM_FIELDS, MEMBERS_LIMIT, MEMBERS_OFFSET, TRACKING_LIST_LIMIT } from '#lib/http/inputs.ts';
import { MAX_BODY_BYTES } from '#lib/http/json-body.ts';
import type { IntegerRange } from '#lib/http/validate.ts';
import { CUSTOM_FIELD_KEY_PATTERN } from '#lib/http/validate.ts';
import { REQUESTED_STEPS } from '#lib/snapshots/history.ts';
import { ref, type Schema } from './schemas.ts';

// Every route of the API as an OpenAPI operation: what it takes, what it answers, which contract
// errors it can give, and who may call it. lib/openapi/document.ts turns these into the document;
// a unit test holds the list to lib/http/routes.ts and serverless.yml.

/** Who may call: reads (JWT scope livegate/read or livegate/admin), writes (livegate/admin), or a provider by its signature. */

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Schema;
  style?: 'form';
  explode?: boolean;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; schema: Schema; description?: string };
  /** The 200 answer: a JSON schema, or contents by media type (the dashboard's files). */
  answer: { description: string; schema?: Schema; content?: Record<string, Schema>; headers?: Record<string, Schema> };
  /** Every contract error this route can answer (INTERNAL is added to all). */
  errors: readonly ErrorCode[];
  /** Other answers (the 304 of a cached document). */
  otherAnswers?: Record<string, Schema>;
}

const groupIdParam: Parameter = { name: 'groupId', in: 'path', required: true, description: 'percent-encoded: `%40TGS%23a6I4ZUUGO`', schema: ref('GroupId') };
const roomIdParam: Parameter = { name: 'roomId', in: 'path', required: true, schema: ref('RoomId') };
const appIdParam: Parameter = { name: 'appId', in: 'query', description: "the RTC AppId; default the deployment's (`rtcAppId`)", schema: ref('AppId') };
const integerParam = (name: string, range: IntegerRange, description?: string): Parameter => ({
  name,
  in: 'query',
  ...(description ? { description } : {}),
  schema: { type: 'integer', minimum: range.min, maximum: range.max, default: range.fallback },
});
const commaList = (name: string, items: Schema, description: string, maxItems?: number): Parameter => ({
  name,
  in: 'query',
  description,
  style: 'form',
  explode: false,
  schema: { type: 'array', minItems: 1, ...(maxItems === undefined ? {} : { maxItems }), items },
});
const cursorParam = (from: string): Parameter => ({
  name: 'cursor',
  in: 'query',
  description: `\`nextCursor\` of the previous page of ${from}, unchanged`,
  schema: { type: 'string', minLength: 1 },
});
const instantParam = (name: 'from' | 'to', description: string): Parameter => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', format: 'date-time', pattern: ISO_8601_PATTERN, examples: ['2026-11-21T10:00:00Z'] },
});

const historyParams: Parameter[] = [
  instantParam('from', 'ISO-8601 with a time zone; default `to` less one hour. At most 31 days before `to` with step=raw, else the rollup retention.'),
  instantParam('to', 'ISO-8601 with a time zone; default now'),
  integerParam('limit', HISTORY_LIMIT, 'points per page'),
  {
    name: 'step',
    in: 'query',
    description: 'one point per stored tick (`raw`), per bucket, or `auto`: the finest step giving at most `limit` points',
    schema: { type: 'string', enum: [...REQUESTED_STEPS], default: 'raw' },
  },
  cursorParam('this history (it keeps from, to and step)'),
];

const BODY_ERRORS = ['INVALID_ARGUMENT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;
const TENCENT_ERRORS = [
  'INVALID_ARGUMENT',
  'INVALID_GROUP_ID',
  'UNSUPPORTED_GROUP_TYPE',
  'GROUP_NOT_FOUND',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_TIMEOUT',
] as const;
const VOLC_ERRORS = ['INVALID_ARGUMENT', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_ERROR', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_TIMEOUT'] as const;
/** DynamoDB (the snapshot table, the tracking registry) and Secrets Manager fail as these. */
const AWS_ERRORS = ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'] as const;
const CALLBACK_ERRORS = ['UNAUTHENTICATED', ...BODY_ERRORS, ...AWS_ERRORS] as const;

const json = (description: string, schemaName: string) => ({ description, schema: ref(schemaName) });
const DASHBOARD_HEADERS = ['cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy'];
const dashboardHeaders = Object.fromEntries(DASHBOARD_HEADERS.map((name) => [name, { type: 'string' }]));
const dashboardAssets = Object.keys(DASHBOARD_FILES).filter((name) => dashboardAsset(name) !== undefined);
const mediaType = (contentType: string): string => contentType.split(';')[0] as string;

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'GET',
    path: '/',
    operationId: 'getDashboard',
    summary: 'The dashboard page',
    description: 'Every tracked target with its newest count, and a chart of its history. Calls only the endpoints below.',
    tag: 'dashboard',
    answer: { description: 'the page', content: { [mediaType(DASHBOARD_FILES['index.html'].contentType)]: { type: 'string' } }, headers: dashboardHeaders },
    errors: [],
  },
  {
    method: 'GET',
    path: '/dashboard/{file}',
    operationId: 'getDashboardFile',
    summary: "A file of the dashboard page (its script, styles, and uPlot's)",
    tag: 'dashboard',
    parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: dashboardAssets } }],
    answer: {
      description: 'the file',
      content: Object.fromEntries(
        dashboardAssets.map((name) => [mediaType(DASHBOARD_FILES[name as keyof typeof DASHBOARD_FILES].contentType), { type: 'string' }]),
      ),
      headers: dashboardHeaders,
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This description of the API (OpenAPI 3.1)',
    tag: 'meta',
    parameters: [{ name: 'if-none-match', in: 'header', description: 'the `etag` of a copy the caller has', schema: { type: 'string' } }],
    answer: { description: 'the document', schema: ref('OpenApiDocument'), headers: { 'cache-control': { type: 'string' }, etag: { type: 'string' } } },
    otherAnswers: { '304': { description: 'the copy the caller has (`if-none-match`) is current', headers: { etag: { type: 'string' } } } },
    errors: [],
  },
  {
    method: 'GET',
    path: '/v1/groups/{groupId}/online-count',
    operationId: 'getGroupOnlineCount',
    summary: 'Online members of a live-stream group (Tencent get_online_member_num)',
    description: 'Live-stream (AVChatRoom) groups only. Tencent refreshes the count every 10-20 s.',
    tag: 'groups',
    parameters: [groupIdParam],
    answer: json('the count', 'OnlineCount'),
    errors: TENCENT_ERRORS,
  },
  {
    method: 'GET',
    path: '/v1/groups/{groupId}/members',
    operationId: 'listGroupMembers',
    summary: 'Member profiles of a group (Tencent get_group_member_info)',
    tag: 'groups',
    parameters: [
      groupIdParam,
      integerParam('limit', MEMBERS_LIMIT),
      integerParam('offset', MEMBERS_OFFSET),
      commaList('fields', { type: 'string', enum: [...MEMBER_FIELDS] }, 'the member fields to return; default all'),
      commaList('roles', { type: 'string', enum: [...MEMBER_ROLES] }, 'the roles to list; default all'),
      commaList('customFields', { type: 'string', pattern: CUSTOM_FIELD_KEY_PATTERN }, 'custom member field keys to return', MAX_CUSTOM_FIELDS),
    ],
    answer: json('a page of members', 'MemberPage'),
    errors: TENCENT_ERRORS,
  },
  {
    method: 'GET',
    path: '/v1/groups/{groupId}/admins',
    operationId: 'listGroupAdmins',
    summary: 'Admins of a live-stream group (Tencent get_admin_list)',
    tag: 'groups',
    parameters: [groupIdParam],
    answer: json('the admins, in upstream order', 'AdminList'),
    errors: TENCENT_ERRORS,
  },
  {
    method: 'POST',
    path: '/v1/groups/{groupId}/admins',
    operationId: 'changeGroupAdmins',
    summary: 'Set or cancel admins of a live-stream group (Tencent modify_admin)',
    description: 'Idempotent: setting an admin again, or cancelling a non-admin, succeeds. A group has at most 5 admins.',
    tag: 'groups',
    parameters: [groupIdParam],
    requestBody: { required: true, schema: ref('AdminChangeRequest') },
    answer: json('the change made', 'AdminChange'),
    errors: [...TENCENT_ERRORS, ...BODY_ERRORS, 'ADMIN_LIMIT_EXCEEDED'],
  },
  {
    method: 'GET',
    path: '/v1/groups/{groupId}/online-members',
    operationId: 'listGroupOnlineMembers',
    summary: 'Online members of a live-stream group, one upstream page a request (Tencent get_members)',
    tag: 'groups',
    parameters: [groupIdParam, cursorParam('this group')],
    answer: json('a page of online members, latest to join first', 'OnlineMemberPage'),
    errors: TENCENT_ERRORS,
  },
  {
    method: 'GET',
    path: '/v1/rooms/{roomId}/online-users',
    operationId: 'getRoomOnlineUsers',
    summary: 'Online users of an RTC room (Volcengine GetRoomOnlineUsers)',
    description: 'A room that does not exist answers 200 with roomExists false, zero counts and empty lists.',
    tag: 'rooms',
    parameters: [roomIdParam, appIdParam],
    answer: json('the room', 'RoomOnlineUsers'),
    errors: VOLC_ERRORS,
  },
  {
    method: 'GET',
    path: '/v1/groups/{groupId}/online-count/history',
    operationId: 'getGroupOnlineCountHistory',
    summary: "A group's online-count history, from the snapshots",
    tag: 'history',
    parameters: [groupIdParam, ...historyParams],
    answer: json('a page of points, and the stats of the whole range', 'GroupHistory'),
    errors: ['INVALID_ARGUMENT', ...AWS_ERRORS],
  },
  {
    method: 'GET',
    path: '/v1/rooms/{roomId}/online-users/history',
    operationId: 'getRoomOnlineUsersHistory',
    summary: "A room's online-user history, from the snapshots",
    tag: 'history',
    parameters: [roomIdParam, ...historyParams, appIdParam],
    answer: json('a page of points, and the stats of the whole range', 'RoomHistory'),
    errors: ['INVALID_ARGUMENT', ...AWS_ERRORS],
  },
  {
    method: 'PUT',
    path: '/v1/groups/{groupId}/tracking',
    operationId: 'trackGroup',
    summary: 'Start tracking a live-stream group (checked upstream once)',
    description: 'Idempotent; a second PUT renews the `api` source with what it says.',
    tag: 'tracking',
    parameters: [groupIdParam],
    requestBody: { required: false, schema: ref('TrackingBody'), description: 'no body (or `{}`): tracked until deleted' },
    answer: json('the tracking state', 'GroupTracking'),
    errors: [...TENCENT_ERRORS, ...BODY_ERRORS],
  },
  {
    method: 'DELETE',
    path: '/v1/groups/{groupId}/tracking',
    operationId: 'untrackGroup',
    summary: "End a group's `api` tracking source",
    tag: 'tracking',
    parameters: [groupIdParam],
    answer: json('the tracking state left', 'GroupTracking'),
    errors: ['INVALID_ARGUMENT', ...AWS_ERRORS],
  },
  {
    method: 'PUT',
    path: '/v1/rooms/{roomId}/tracking',
    operationId: 'trackRoom',
    summary: 'Start tracking an RTC room',
    tag: 'tracking',
    parameters: [roomIdParam, appIdParam],
    requestBody: { required: false, schema: ref('TrackingBody'), description: 'no body (or `{}`): tracked until deleted' },
    answer: json('the tracking state', 'RoomTracking'),
    errors: [...BODY_ERRORS, ...AWS_ERRORS],
  },
  {
    method: 'DELETE',
    path: '/v1/rooms/{roomId}/tracking',
    operationId: 'untrackRoom',
    summary: "End a room's `api` tracking source",
    tag: 'tracking',
    parameters: [roomIdParam, appIdParam],
    answer: json('the tracking state left', 'RoomTracking'),
    errors: ['INVALID_ARGUMENT', ...AWS_ERRORS],
  },
  {
    method: 'GET',
    path: '/v1/tracking',
    operationId: 'listTracking',
    summary: 'Every target the next snapshot run samples, with its newest point',
    tag: 'tracking',
    parameters: [
      { name: 'kind', in: 'query', description: 'only groups, or only rooms', schema: ref('TargetKind') },
      integerParam('limit', TRACKING_LIST_LIMIT, 'targets per page'),
      cursorParam('this listing (with the same `kind`)'),
    ],
    answer: json('a page of targets', 'TrackingList'),
    errors: ['INVALID_ARGUMENT', ...AWS_ERRORS],
  },
  {
    method: 'POST',
    path: '/v1/callbacks/tencent',
    operationId: 'receiveTencentCallback',
    summary: 'Tencent Chat third-party callbacks',
    description:
      'No AWS authorization: Tencent cannot sign with AWS credentials. `Sign` must be the lower-case hex SHA-256 of the callback token followed by `RequestTime` (within 60 s of now), and `SdkAppid` ours; otherwise 401 UNAUTHENTICATED and nothing changes.',
    tag: 'callbacks',
    parameters: [
      ...['SdkAppid', 'CallbackCommand', 'Sign', 'RequestTime'].map((name): Parameter => ({ name, in: 'query', required: true, schema: { type: 'string' } })),
      ...['contenttype', 'ClientIP', 'OptPlatform'].map((name): Parameter => ({ name, in: 'query', schema: { type: 'string' } })),
    ],
    requestBody: { required: true, schema: ref('TencentCallbackEvent') },
    answer: json("Tencent's expected answer, also for commands that change nothing", 'TencentCallbackAck'),
    errors: CALLBACK_ERRORS,
  },
  {
    method: 'POST',
    path: '/v1/callbacks/volcengine',
    operationId: 'receiveVolcengineCallback',
    summary: 'Volcengine RTC event callbacks',
    description:
      'No AWS authorization: the `Signature` in the body authenticates the event (SHA-256 of the signed fields and the callback secret, sorted and joined); otherwise 401 UNAUTHENTICATED. An event seen before (same EventId) answers 200 and changes nothing.',
    tag: 'callbacks',
    requestBody: { required: true, schema: ref('VolcengineCallbackEvent') },
    answer: json('the event was taken (or seen before)', 'VolcengineCallbackAck'),
    errors: CALLBACK_ERRORS,
  },
];

export const BODY_LIMIT_NOTE = `Request bodies are JSON of at most ${MAX_BODY_BYTES} bytes.`;
