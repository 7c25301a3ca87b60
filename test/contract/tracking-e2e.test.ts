import { sleep } from '#lib/sleep.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { apiUrl, callApi, emulator, groupPath } from '#test/support/http.ts';

// End to end with the emulator's own signed callbacks into the local API: a room or group is
// watched from the moment it starts, sampled by the snapshot function, and dropped when it ends.

const APP = DEMO_CREDENTIALS.volc.rtcAppId;
const lambdaUrl = (): string => process.env.LIVEGATE_LAMBDA_URL as string;

const tracked = async (kind: 'group' | 'room'): Promise<any[]> => (await callApi(`/v1/tracking?kind=${kind}&limit=1000`)).body.targets;
const trackedRoom = async (roomId: string) => (await tracked('room')).find((target) => target.roomId === roomId && target.appId === APP);
const trackedGroup = async (groupId: string) => (await tracked('group')).find((target) => target.groupId === groupId);

/** One scheduled invocation of the bundled snapshot function (the test stack: a 4 s window of 2 s ticks). */
const runSnapshotFunction = async (): Promise<Record<string, any>> => {
  const response = await fetch(`${lambdaUrl()}/2015-03-31/functions/livegate-local-snapshot/invocations`, {
    method: 'POST',
    body: JSON.stringify({ shard: 0, shards: 1 }),
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<Record<string, any>>;
};

beforeAll(async () => {
  await emulator.setCallbackTargets({ tencentUrl: `${apiUrl()}/v1/callbacks/tencent`, volcUrl: `${apiUrl()}/v1/callbacks/volcengine` });
});

afterAll(async () => {
  await emulator.setCallbackTargets({});
});

describe("tracking from the providers' callbacks", () => {
  test('an RTC room created in the emulator is tracked, sampled into its history within the next run, and untracked when it ends', async () => {
    const created = await emulator.putRoom(APP, 'e2e-room', { visibleUsers: ['host', 'guest'], invisibleUsers: ['bot'] });
    expect(created.callbacks).toEqual([expect.objectContaining({ provider: 'volc', eventType: 'RoomCreate', delivered: true, status: 200 })]);
    expect(await trackedRoom('e2e-room')).toMatchObject({ sources: ['callback'], lastSample: null });

    const windowStart = await atNextWindow(4);
    const summary = await runSnapshotFunction();
    expect(summary.targetsBySource.callback).toBeGreaterThanOrEqual(1);
    const history = await callApi(
      `/v1/rooms/e2e-room/online-users/history?from=${new Date(windowStart).toISOString()}&to=${new Date(windowStart + 3999).toISOString()}`,
    );
    expect(history.body.points).toEqual([
      { at: new Date(windowStart).toISOString(), totalUsers: 3, totalInvisibleUsers: 1 },
      { at: new Date(windowStart + 2000).toISOString(), totalUsers: 3, totalInvisibleUsers: 1 },
    ]);
    expect((await trackedRoom('e2e-room')).lastSample).toEqual({ at: new Date(windowStart + 2000).toISOString(), totalUsers: 3, totalInvisibleUsers: 1 });

    const ended = await emulator.deleteRoom(APP, 'e2e-room');
    expect(ended.callbacks).toEqual([expect.objectContaining({ eventType: 'RoomDestroy', delivered: true })]);
    expect(await trackedRoom('e2e-room')).toBeUndefined();
  });

  test('a live group: created → tracked; a member joining pushes the expiry; destroyed → untracked', async () => {
    const groupId = '@TGS#aE2ELIVE';
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 2 });
    const first = await trackedGroup(groupId);
    expect(first).toMatchObject({ sources: ['callback'] });
    await sleep(20);
    const joined = await emulator.joinGroup(groupId, 'late_viewer');
    expect(joined.callbacks).toEqual([expect.objectContaining({ command: 'Group.CallbackAfterNewMemberJoin', delivered: true })]);
    expect(Date.parse((await trackedGroup(groupId)).expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    expect((await callApi(groupPath(groupId, 'online-count'))).body.onlineCount).toBe(3);
    await emulator.deleteGroup(groupId);
    expect(await trackedGroup(groupId)).toBeUndefined();
  });

  test('a group that is not live-stream is not tracked by its callbacks', async () => {
    await emulator.putGroup('@TGS#2E2EPUBLIC', { type: 'Public', memberCount: 2 });
    expect(await trackedGroup('@TGS#2E2EPUBLIC')).toBeUndefined();
  });
});
