import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { type EmulatorClient, emulatorClient } from '#support/emulator-client.ts';
import { TENCENT_PATH, tencentCall } from '#test/support/upstream-calls.ts';

// send_group_msg over HTTP against an emulator of the test's own, with a clock the test moves:
// the body rules (10004), the 12 KB limit, the group checks, de-duplication by Random within
// five minutes, and the message log of the control API.

const GROUP = '@TGS#aMSGLIVE';
const OTHER = '@TGS#2MSGPUBLIC';
let now = Math.floor(Date.now() / 1000) * 1000;
let emulator: RunningEmulator;
let control: EmulatorClient;

const text = (Text: unknown) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });
const send = (body: Record<string, unknown>) => tencentCall(emulator.url, TENCENT_PATH.sendGroupMsg, body);
const message = (extra: Record<string, unknown> = {}) => ({ GroupId: GROUP, Random: 123, MsgBody: [text('hello')], ...extra });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, clock: () => now, callbacks: {} });
  control = emulatorClient(emulator.url);
});

beforeEach(async () => {
  await control.reset();
  await control.putGroup(GROUP, { type: 'AVChatRoom', onlineCount: 3 });
  await control.putGroup(OTHER, { type: 'Public', memberCount: 2 });
});

afterAll(async () => {
  await emulator.close();
});

describe('send_group_msg', () => {
  test('answers MsgTime and MsgSeq (1, 2, ... per group) and stores the body as received', async () => {
    const first = message({ Random: 1, MsgPriority: 'High', From_Account: 'host_anna', CloudCustomData: 'x' });
    expect(await send(first)).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: now / 1000, MsgSeq: 1 });
    now += 1000;
    expect(await send(message({ Random: 2 }))).toMatchObject({ MsgTime: now / 1000, MsgSeq: 2 });
    expect(await tencentCall(emulator.url, TENCENT_PATH.sendGroupMsg, { GroupId: OTHER, Random: 1, MsgBody: [text('elsewhere')] })).toMatchObject({
      MsgSeq: 1,
    });
    const log = await control.groupMessages(GROUP);
    expect(log).toEqual({
      groupId: GROUP,
      messages: [
        { msgSeq: 1, msgTime: now / 1000 - 1, random: 1, body: first },
        { msgSeq: 2, msgTime: now / 1000, random: 2, body: message({ Random: 2 }) },
      ],
    });
  });

  test('the same Random in the same group within five minutes is one message: answered as the first, stored once', async () => {
    const first = await send(message({ Random: 777 }));
    now += 299_000;
    expect(await send(message({ Random: 777, MsgBody: [text('resent')] }))).toEqual(first);
    expect((await control.groupMessages(GROUP)).messages).toHaveLength(1);
    // Another group, or after five minutes, it is a new message.
    expect(await tencentCall(emulator.url, TENCENT_PATH.sendGroupMsg, { GroupId: OTHER, Random: 777, MsgBody: [text('x')] })).toMatchObject({ MsgSeq: 1 });
    now += 1000;
    expect(await send(message({ Random: 777 }))).toMatchObject({ ErrorCode: 0, MsgSeq: 2, MsgTime: now / 1000 });
    expect((await control.groupMessages(GROUP)).messages.map((stored) => stored.msgSeq)).toEqual([1, 2]);
  });

  test('accepts every documented optional field with a valid value, and a custom element with Data only', async () => {
    const answer = await send(
      message({
        MsgBody: [
          text('hi'),
          { MsgType: 'TIMCustomElem', MsgContent: { Data: '{"gift":1}' } },
          { MsgType: 'TIMFaceElem', MsgContent: { Index: 6, Data: 'abc' } },
        ],
        MsgPriority: 'Lowest',
        SendMsgControl: ['NoUnread', 'NoLastMsg', 'WithMuteNotifications'],
        ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'],
        OfflinePushInfo: { PushFlag: 1, Desc: 'push', Ext: 'ext' },
        OnlineOnlyFlag: 0,
        SupportMessageExtension: 1,
      }),
    );
    expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgSeq: 1 });
    expect(
      await send(message({ Random: 9, MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'd', Desc: 'x', Ext: 'y', Sound: 'z.mp3' } }] })),
    ).toMatchObject({ ErrorCode: 0 });
  });

  test('12 KB is the limit: a message body just under it is sent, one over it is 10004', async () => {
    const overhead = Buffer.byteLength(JSON.stringify([text('')]));
    expect(await send(message({ Random: 1, MsgBody: [text('a'.repeat(12 * 1024 - overhead))] }))).toMatchObject({ ErrorCode: 0 });
    expect(await send(message({ Random: 2, MsgBody: [text('a'.repeat(12 * 1024 - overhead + 1))] }))).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    // Multi-byte text counts in bytes.
    expect(await send(message({ Random: 3, MsgBody: [text('好'.repeat(4200))] }))).toMatchObject({ ErrorCode: 10004 });
    expect((await control.groupMessages(GROUP)).messages).toHaveLength(1);
  });

  test.each([
    ['no Random', { Random: undefined }],
    ['a negative Random', { Random: -1 }],
    ['a Random over 4294967295', { Random: 4_294_967_296 }],
    ['a Random that is a string', { Random: '123' }],
    ['a fractional Random', { Random: 1.5 }],
    ['no MsgBody', { MsgBody: undefined }],
    ['an empty MsgBody', { MsgBody: [] }],
    ['a MsgBody that is not a list', { MsgBody: text('hi') }],
    ['an unknown MsgType', { MsgBody: [{ MsgType: 'TIMHtmlElem', MsgContent: { Text: 'x' } }] }],
    ['an element without MsgType', { MsgBody: [{ MsgContent: { Text: 'x' } }] }],
    ['an element without MsgContent', { MsgBody: [{ MsgType: 'TIMTextElem' }] }],
    ['TIMTextElem without Text', { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: {} }] }],
    ['TIMTextElem with a numeric Text', { MsgBody: [text(42)] }],
    ['TIMCustomElem without Data', { MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Desc: 'x' } }] }],
    ['TIMCustomElem with a numeric Desc', { MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'x', Desc: 1 } }] }],
    [
      'two TIMCustomElem in one message',
      {
        MsgBody: [
          { MsgType: 'TIMCustomElem', MsgContent: { Data: 'a' } },
          { MsgType: 'TIMCustomElem', MsgContent: { Data: 'b' } },
        ],
      },
    ],
    ['TIMLocationElem without Latitude', { MsgBody: [{ MsgType: 'TIMLocationElem', MsgContent: { Desc: 'x', Longitude: 1 } }] }],
    ['a second element that is bad', { MsgBody: [text('ok'), { MsgType: 'TIMFaceElem', MsgContent: { Index: 'six' } }] }],
    ['MsgPriority not High/Normal/Low/Lowest', { MsgPriority: 'Urgent' }],
    ['MsgPriority in lower case', { MsgPriority: 'high' }],
    ['an unknown SendMsgControl item', { SendMsgControl: ['NoUnread', 'NoPush'] }],
    ['SendMsgControl that is not a list', { SendMsgControl: 'NoUnread' }],
    ['OfflinePushInfo.PushFlag 2', { OfflinePushInfo: { PushFlag: 2 } }],
    ['OfflinePushInfo that is not an object', { OfflinePushInfo: 'push' }],
    ['an empty From_Account', { From_Account: '' }],
    ['an unknown ForbidCallbackControl item', { ForbidCallbackControl: ['ForbidEverything'] }],
    ['OnlineOnlyFlag 2', { OnlineOnlyFlag: 2 }],
  ])('10004 for %s; nothing is stored', async (_name, change) => {
    const answer = await send(message(change as Record<string, unknown>));
    expect(answer).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004, ErrorInfo: expect.any(String) });
    expect((await control.groupMessages(GROUP)).messages).toEqual([]);
  });

  test.each([
    ['an unknown group', 10010, { GroupId: '@TGS#aNOSUCHGROUP' }],
    ['a malformed group ID', 10015, { GroupId: '@TGS#with space' }],
    ['no GroupId', 10004, { GroupId: undefined }],
  ])('%s → %s', async (_name, code, change) => {
    expect(await send(message(change))).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
  });

  test('a body that is not a JSON object is 60003, as for every Tencent API', async () => {
    expect(await tencentCall(emulator.url, TENCENT_PATH.sendGroupMsg, '[1,2]')).toMatchObject({ ErrorCode: 60003 });
  });

  test('200 calls per second (configurable) per API: past it 60007, counted under send_group_msg', async () => {
    await control.setLimits({ tencentPerSecond: 2 });
    try {
      const codes: number[] = [];
      for (let random = 1; random <= 4; random += 1) codes.push((await send(message({ Random: random }))).ErrorCode);
      expect(codes).toEqual([0, 0, 60007, 60007]); // the clock stands still: all in one second
      expect((await control.stats()).apis.send_group_msg).toMatchObject({ calls: 4, rejected: { 60007: 2 } });
    } finally {
      await control.setLimits({ tencentPerSecond: 200 });
    }
  });

  test('the message log of a group no message was sent to is empty; reset forgets every log', async () => {
    expect(await control.groupMessages('@TGS#aNEVERUSED')).toEqual({ groupId: '@TGS#aNEVERUSED', messages: [] });
    await send(message());
    await control.reset();
    expect((await control.groupMessages(GROUP)).messages).toEqual([]);
  });
});
