import fc from 'fast-check';
import { callApi, emulator, untrackAllByApi, upstreamCalls } from '#test/support/http.ts';

// Generated hostile requests against every endpoint. Whatever arrives, the answer is a correct
// answer or a 4xx contract error, never a 5xx; input the contract calls invalid never reaches
// an upstream.

const LIVE = '@TGS#aHOSTILE';
const ROUTES = [
  (id: string) => ({ method: 'GET', path: `/v1/groups/${id}/online-count` }),
  (id: string) => ({ method: 'GET', path: `/v1/groups/${id}/members` }),
  (id: string) => ({ method: 'POST', path: `/v1/groups/${id}/admins` }),
  (id: string) => ({ method: 'GET', path: `/v1/groups/${id}/admins` }),
  (id: string) => ({ method: 'GET', path: `/v1/groups/${id}/online-members` }),
  (id: string) => ({ method: 'GET', path: `/v1/rooms/${id}/online-users` }),
  (id: string) => ({ method: 'GET', path: `/v1/groups/${id}/online-count/history` }),
  (id: string) => ({ method: 'GET', path: `/v1/rooms/${id}/online-users/history` }),
  (id: string) => ({ method: 'PUT', path: `/v1/groups/${id}/tracking` }),
  (id: string) => ({ method: 'DELETE', path: `/v1/rooms/${id}/tracking` }),
  (id: string) => ({ method: 'PUT', path: `/v1/rooms/${id}/tracking` }),
  (_id: string) => ({ method: 'GET', path: '/v1/tracking' }),
  (_id: string) => ({ method: 'POST', path: '/v1/callbacks/tencent' }),
  (_id: string) => ({ method: 'POST', path: '/v1/callbacks/volcengine' }),
];

const hostileStrings = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '0x1F',
    ' 1',
    '١٢٣',
    '\u0000',
    '%00',
    '%',
    '%%',
    '%ZZ',
    '%C0%80',
    '%ED%A0%80',
    '../..',
    'null',
    'true',
    '[]',
    '{}',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/** A path segment as it might be sent: properly encoded, raw, or with broken escapes. */
const segment = fc
  .oneof(
    hostileStrings.map((text) => encodeURIComponent(text)),
    hostileStrings.map((text) => text.replace(/[/?#\s]/g, '')),
    fc
      .array(fc.constantFrom('%', '%E0', '%A4', '%A', '%FF', '%C3', '%28', 'a', '@', '#'.replace('#', '%23')), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join('')),
  )
  .filter((text) => text.length > 0);

const queryPart = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        'limit',
        'offset',
        'fields',
        'roles',
        'customFields',
        'appId',
        'from',
        'to',
        'cursor',
        'kind',
        'Sign',
        'RequestTime',
        'SdkAppid',
        'CallbackCommand',
        '__proto__',
        'constructor',
      ),
      hostileStrings,
    ),
    hostileStrings,
  )
  .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);

const query = fc.array(queryPart, { maxLength: 5 }).map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

const deepJson = fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record({ action: hostileStrings, accounts: fc.array(fc.oneof(hostileStrings, fc.integer(), fc.constant(null)), { maxLength: 8 }) })
    .map((value) => JSON.stringify(value)),
  fc.constant('{"action":"set","accounts":["u"],"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
  fc.constant(`{"action":"set","accounts":["${'x'.repeat(70_000)}"]}`),
  fc.record({ ttlHours: fc.oneof(fc.integer(), fc.double(), hostileStrings, fc.constant(null)) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        EventType: fc.oneof(fc.constantFrom('RoomCreate', 'RoomDestroy', 'UserJoinRoom'), hostileStrings),
        EventData: fc.oneof(
          hostileStrings,
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        EventTime: fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          hostileStrings,
        ),
        EventId: hostileStrings,
        AppId: hostileStrings,
        Version: hostileStrings,
        Nonce: hostileStrings,
        Signature: fc.oneof(hostileStrings, fc.stringMatching(/^[0-9a-f]{64}$/)),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  deepJson,
  hostileStrings,
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/merge-patch+json',
      '',
    ),
    'x-request-id': fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
  },
  { requiredKeys: [] },
);

const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');

const expectContractAnswer = (status: number, text: string, label: string) => {
  expect({ label, serverError: status >= 500 }).toEqual({ label, serverError: false });
  if (status >= 400) {
    const parsed = JSON.parse(text);
    expect(typeof parsed.error.code).toBe('string');
    expect(typeof parsed.error.requestId).toBe('string');
  }
};

// More than one page of online members, so each group has a real cursor to edit or to misuse.
const OTHER_LIVE = '@TGS#aHOSTILEOTHER';
let liveCursor: string;
let otherGroupCursor: string;
const firstCursorOf = async (groupId: string): Promise<string> => {
  const cursor = (await callApi(`/v1/groups/${encodeURIComponent(groupId)}/online-members`)).body.nextCursor;
  expect(typeof cursor).toBe('string');
  return cursor;
};

/** A real cursor edited: characters changed, added or cut, and its JSON rewritten. */
const cursorEdits = (cursor: string): string[] => {
  const fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const flips = [0, 1, Math.floor(cursor.length / 2), cursor.length - 2, cursor.length - 1].map(
    (at) => `${cursor.slice(0, at)}${cursor[at] === 'A' ? 'B' : 'A'}${cursor.slice(at + 1)}`,
  );
  return [
    ...flips,
    `${cursor}A`,
    `${cursor}==`,
    cursor.slice(0, -1),
    cursor.slice(1),
    `${cursor},${cursor}`,
    encode({ ...fields, timestamp: (fields.timestamp as number) + 1 }),
    encode({ ...fields, timestamp: 0 }),
    encode({ ...fields, timestamp: -1 }),
    encode({ ...fields, timestamp: 1.5 }),
    encode({ ...fields, groupId: OTHER_LIVE }),
    encode({ ...fields, extra: true }),
    encode(Object.fromEntries(Object.entries(fields).reverse())),
    encode({ groupId: fields.groupId, timestamp: fields.timestamp }),
  ].filter((edited) => edited !== cursor);
};

beforeAll(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 300, memberCount: 300 });
  await emulator.putGroup(OTHER_LIVE, { type: 'AVChatRoom', onlineCount: 300, memberCount: 300 });
  liveCursor = await firstCursorOf(LIVE);
  otherGroupCursor = await firstCursorOf(OTHER_LIVE);
});

// Generated room IDs can be valid and tracked by a generated PUT: leave the registry as it was.
afterAll(async () => {
  await untrackAllByApi();
});

describe('hostile input, property-based', () => {
  test('any request to any route: a correct answer or a 4xx contract error, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ROUTES.length - 1 }),
        segment,
        query,
        method,
        headers,
        body,
        async (route, id, search, verb, sentHeaders, sentBody) => {
          const { path } = (ROUTES[route] as (id: string) => { path: string })(id);
          const answer = await callApi(`${path}${search}`, {
            method: verb,
            headers: Object.fromEntries(Object.entries(sentHeaders).filter(([, value]) => value !== '')),
            ...(verb === 'GET' ? {} : { body: sentBody }),
          });
          expectContractAnswer(answer.status, answer.text, `${verb} ${path}${search}`);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('input the contract calls invalid is refused with a 4xx and never reaches an upstream', async () => {
    const invalidGroupId = fc.oneof(
      fc
        .string({ minLength: 49, maxLength: 60 })
        .filter((text) => Buffer.byteLength(text) > 48)
        .map(encodeURIComponent),
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.integer({ min: 0, max: 0x1f }), fc.string({ maxLength: 10 }))
        .map(([a, code, b]) => encodeURIComponent(`${a}${String.fromCharCode(code)}${b}`)),
      fc.constantFrom('%', '%E0%A4%A', '%C0%80x', '%ED%A0%80', 'abc%', '%FF'),
    );
    const invalidMemberQuery = fc.oneof(
      fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 6001 })).map((limit) => `limit=${limit}`),
      fc.double({ noInteger: true }).map((limit) => `limit=${limit}`),
      fc.integer({ max: -1 }).map((offset) => `offset=${offset}`),
      hostileStrings
        .filter((text) => !['role', 'joinTime', 'msgSeq', 'msgFlag', 'lastSendMsgTime', 'shutUpUntil', 'nameCard'].includes(text))
        .map((field) => `fields=${encodeURIComponent(field)}`),
      fc.constantFrom('limit=1&limit=2', 'roles=Owner', 'roles=', 'fields=', 'bogus=1', '__proto__=1', 'constructor=x'),
    );
    const invalidAdminBody = fc
      .oneof(
        fc.record({ action: hostileStrings.filter((text) => text !== 'set' && text !== 'cancel'), accounts: fc.constant(['u']) }),
        fc.record({ action: fc.constantFrom('set', 'cancel'), accounts: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 6, maxLength: 10 }) }),
        fc.record({ action: fc.constantFrom('set', 'cancel'), accounts: fc.constant([]) }),
        fc.record({
          action: fc.constantFrom('set'),
          accounts: fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.constant(''), fc.constant('   ')), { minLength: 1, maxLength: 5 }),
        }),
      )
      .map((value) => JSON.stringify(value));
    // The reads take no query (admins) or only `cursor` (online members).
    const invalidReadQuery = fc
      .tuple(
        hostileStrings.filter((name) => name !== '' && name !== 'cursor'),
        hostileStrings,
      )
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    // Anything but a cursor this API made for the group: hostile text, edits of a real one, another group's.
    const invalidCursor = fc
      .oneof(
        hostileStrings,
        fc.constantFrom(...cursorEdits(liveCursor)),
        fc.constant(otherGroupCursor),
        fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
        fc.record({ groupId: fc.constant(LIVE), timestamp: fc.integer({ min: 1 }) }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      )
      .map((cursor) => `cursor=${encodeURIComponent(cursor)}`);
    const invalidRoomId = fc.oneof(
      fc.string({ minLength: 129, maxLength: 140 }).map(encodeURIComponent),
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((text) => /[^A-Za-z0-9@._-]/.test(text))
        .map(encodeURIComponent),
    );

    const before = await upstreamCalls();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          invalidGroupId.map((id) => ({ path: `/v1/groups/${id}/online-count`, init: {} })),
          fc.tuple(invalidGroupId, invalidMemberQuery).map(([id, search]) => ({ path: `/v1/groups/${id}/members?${search}`, init: {} })),
          invalidMemberQuery.map((search) => ({ path: `/v1/groups/${encodeURIComponent(LIVE)}/members?${search}`, init: {} })),
          invalidGroupId.map((id) => ({ path: `/v1/groups/${id}/admins`, init: {} })),
          invalidReadQuery.map((search) => ({ path: `/v1/groups/${encodeURIComponent(LIVE)}/admins?${search}`, init: {} })),
          fc
            .tuple(invalidGroupId, fc.oneof(invalidCursor, fc.constant('')))
            .map(([id, search]) => ({ path: `/v1/groups/${id}/online-members?${search}`, init: {} })),
          fc
            .oneof(
              invalidCursor,
              invalidReadQuery.filter((search) => !search.startsWith('cursor=')),
            )
            .map((search) => ({
              path: `/v1/groups/${encodeURIComponent(LIVE)}/online-members?${search}`,
              init: {},
            })),
          invalidAdminBody.map((text) => ({
            path: `/v1/groups/${encodeURIComponent(LIVE)}/admins`,
            init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: text },
          })),
          invalidRoomId.map((id) => ({ path: `/v1/rooms/${id}/online-users`, init: {} })),
          hostileStrings
            .filter((text) => !/^[A-Za-z0-9@._-]{1,128}$/.test(text))
            .map((app) => ({ path: `/v1/rooms/room1/online-users?appId=${encodeURIComponent(app)}`, init: {} })),
          invalidGroupId.map((id) => ({ path: `/v1/groups/${id}/tracking`, init: { method: 'PUT' } })),
          fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 721 }), fc.double({ noInteger: true }), hostileStrings).map((ttlHours) => ({
            path: `/v1/groups/${encodeURIComponent(LIVE)}/tracking`,
            init: { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ttlHours }) },
          })),
          invalidRoomId.map((id) => ({ path: `/v1/rooms/${id}/tracking`, init: { method: 'PUT' } })),
          fc
            .oneof(
              hostileStrings.filter((text) => text !== 'group' && text !== 'room').map((kind) => `kind=${encodeURIComponent(kind)}`),
              fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 })).map((limit) => `limit=${limit}`),
              hostileStrings.map((cursor) => `cursor=${encodeURIComponent(cursor)}`),
            )
            .map((search) => ({ path: `/v1/tracking?${search}`, init: {} })),
        ),
        async ({ path, init }) => {
          const answer = await callApi(path, init);
          expect({ path, status: answer.status >= 400 && answer.status < 500 }).toEqual({ path, status: true });
          expectContractAnswer(answer.status, answer.text, path);
        },
      ),
      { numRuns: 1500 },
    );
    expect(await upstreamCalls()).toBe(before);
  });

  // Prototype pollution is checked in the function's own worker: prototype-pollution.test.ts.
});
