import { callApi, emulator, expectContractError, groupPath, upstreamCalls } from '#test/support/http.ts';

// Bodies that try to pollute Object.prototype, checked where they are parsed: in the function's
// own worker, through HTTP. The jest process never sees these objects, so looking at its
// prototype proves nothing.
//
// What the function would do differently if its Object.prototype had picked up a key:
//   - `action` / `accounts`: the admins handler reads `body.action` and `body.accounts` by plain
//     property access, so a body that lacks them would inherit them and pass validation;
//   - `x-request-id`: the request ID is read from `event.headers['x-request-id']`, so a request
//     without that header would be answered with the inherited ID.
// The pollution attempts carry exactly those keys, and probes without them follow, served by
// the same warm worker (serverless-offline hands sequential requests to its idle worker).

const LIVE = '@TGS#aPOLLUTION';
const path = groupPath(LIVE, 'admins');
const POLLUTED_ID = 'polluted-request-id';
const PAYLOAD = `{"polluted":true,"action":"set","accounts":["intruder"],"x-request-id":"${POLLUTED_ID}"}`;

const post = (text: string, headers: Record<string, string> = {}) =>
  callApi(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });

const notAField = (field: string) => ({ field, issue: 'is not a field of this request' });
const ACTION_ISSUE = { field: 'action', issue: 'must be "set" or "cancel"' };
const ACCOUNTS_ISSUE = { field: 'accounts', issue: 'must be an array of 1 to 5 accounts' };

/** Requests whose answers would change if the worker's Object.prototype held a key of PAYLOAD. */
const expectCleanWorker = async () => {
  const before = await upstreamCalls();
  const noAction = await post('{"accounts":["u"]}');
  expect(expectContractError(noAction, 400, 'INVALID_ARGUMENT').details).toEqual([ACTION_ISSUE]);
  expect(noAction.headers.get('x-request-id')).not.toBe(POLLUTED_ID);
  expect(expectContractError(await post('{"action":"set"}'), 400, 'INVALID_ARGUMENT').details).toEqual([ACCOUNTS_ISSUE]);
  expect(expectContractError(await post('{}'), 400, 'INVALID_ARGUMENT').details).toEqual([ACTION_ISSUE, ACCOUNTS_ISSUE]);
  expect(await upstreamCalls()).toBe(before);
  // And a real request still does what it says, with the caller's account only.
  const valid = await post('{"action":"set","accounts":["u1"]}');
  expect(valid.status).toBe(200);
  expect(valid.body).toEqual({ groupId: LIVE, action: 'set', accounts: ['u1'] });
  expect((await emulator.getGroup(LIVE)).admins).toEqual(['u1']);
};

const attempts: Array<[string, string, Array<{ field: string; issue: string }>]> = [
  ['__proto__ at the top', `{"__proto__":${PAYLOAD},"action":"set","accounts":["a"]}`, [notAField('__proto__')]],
  ['__proto__ last', `{"action":"set","accounts":["a"],"__proto__":${PAYLOAD}}`, [notAField('__proto__')]],
  ['constructor.prototype', `{"constructor":{"prototype":${PAYLOAD}},"action":"set","accounts":["a"]}`, [notAField('constructor')]],
  [
    'both at once',
    `{"__proto__":${PAYLOAD},"constructor":{"prototype":${PAYLOAD}},"action":"set","accounts":["a"]}`,
    [notAField('__proto__'), notAField('constructor')],
  ],
  ['__proto__ of __proto__', `{"__proto__":{"__proto__":${PAYLOAD}},"action":"set","accounts":["a"]}`, [notAField('__proto__')]],
  ['__proto__ nested in an unknown field', `{"action":"set","accounts":["a"],"options":{"__proto__":${PAYLOAD}}}`, [notAField('options')]],
  ['constructor.prototype nested deeper', `{"action":"set","accounts":["a"],"a":{"b":{"constructor":{"prototype":${PAYLOAD}}}}}`, [notAField('a')]],
  ['__proto__ as the action', `{"action":{"__proto__":${PAYLOAD}},"accounts":["a"]}`, [ACTION_ISSUE]],
  ['__proto__ inside an account', `{"action":"set","accounts":[{"__proto__":${PAYLOAD}}]}`, [{ field: 'accounts[0]', issue: 'must be a non-empty string' }]],
  [
    'constructor.prototype inside an account',
    `{"action":"set","accounts":[{"constructor":{"prototype":${PAYLOAD}}}]}`,
    [{ field: 'accounts[0]', issue: 'must be a non-empty string' }],
  ],
  ['__proto__ as an array', `{"__proto__":[${PAYLOAD}],"action":"set","accounts":["a"]}`, [notAField('__proto__')]],
];

beforeAll(async () => {
  await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 1, memberCount: 3, admins: [] });
});

describe('prototype pollution through POST /v1/groups/{groupId}/admins', () => {
  test('the probes answer as a clean worker would before any attempt', async () => {
    await expectCleanWorker();
    await emulator.putGroup(LIVE, { type: 'AVChatRoom', onlineCount: 1, memberCount: 3, admins: [] });
  });

  test.each(attempts)('%s: 400 INVALID_ARGUMENT naming the field, with no upstream call', async (_name, text, details) => {
    const before = await upstreamCalls();
    const error = expectContractError(await post(text), 400, 'INVALID_ARGUMENT');
    expect(error.details).toEqual(details);
    expect(await upstreamCalls()).toBe(before);
  });

  test('after every attempt the function worker is not polluted, and the group is unchanged', async () => {
    expect((await emulator.getGroup(LIVE)).admins).toEqual([]);
    await expectCleanWorker();
  });
});

describe('prototype pollution through a query string', () => {
  // Query strings are parsed before the function (API Gateway; here serverless-offline), and
  // the handler reads them by key: a parser that built nested objects from brackets would put
  // `fields` on Object.prototype, and a request without `fields` would then be refused.
  const membersPath = groupPath(LIVE, 'members');

  test('__proto__ and constructor keys are refused as unknown parameters, with no upstream call', async () => {
    const before = await upstreamCalls();
    const error = expectContractError(
      await callApi(`${membersPath}?__proto__[fields]=bogus&constructor[prototype][fields]=bogus&__proto__=x&constructor=y`),
      400,
      'INVALID_ARGUMENT',
    );
    expect(error.details.map((detail: { field: string }) => detail.field)).toEqual([
      '__proto__[fields]',
      'constructor[prototype][fields]',
      '__proto__',
      'constructor',
    ]);
    expect(await upstreamCalls()).toBe(before);
  });

  test('afterwards a request without fields still answers every field', async () => {
    const answer = await callApi(`${membersPath}?limit=1`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.members[0]).sort()).toEqual([
      'account',
      'customData',
      'joinTime',
      'lastSendMsgTime',
      'msgFlag',
      'msgSeq',
      'nameCard',
      'role',
      'shutUpUntil',
    ]);
  });
});
