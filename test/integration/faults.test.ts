import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { secretSourceFrom } from '#lib/compose/clients.ts';
import { Deadline } from '#lib/deadline.ts';
import { toApiError } from '#lib/http/to-api-error.ts';
import { SecretCache } from '#lib/secrets.ts';
import { sleep } from '#lib/sleep.ts';
import { runSnapshot } from '#lib/snapshots/run.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import { type Target, targetKey } from '#lib/snapshots/targets.ts';
import { TencentChatClient } from '#lib/tencent/client.ts';
import { parseTencentSecret } from '#lib/tencent/credentials.ts';
import { UserSigCache } from '#lib/tencent/usersig.ts';
import { DEMO_CREDENTIALS, LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { atNextWindow } from '#support/snapshot-window.ts';
import { type FaultProxy, proxyControl, startFaultProxy } from '#test/support/fault-proxy.ts';
import { callApi, callsOf, emulator, emulatorUrl, expectContractError, groupPath, pastRefreshCooldown } from '#test/support/http.ts';
import { coldTencentClient, dynamoEndpoint, localStore, runDependencies, snapshotProviders, useLocalAws } from '#test/support/snapshots.ts';

// Production conditions, injected: the run loses no tick and the endpoints answer the
// contract (or succeed after a bounded retry) within their budget.

const GROUP = '@TGS#aFAULTSLIVE';
const target: Target = { kind: 'group', groupId: GROUP };
let proxy: FaultProxy;

beforeAll(async () => {
  useLocalAws();
  proxy = await startFaultProxy(dynamoEndpoint());
});

beforeEach(async () => {
  await emulator.putGroup(GROUP, { type: 'AVChatRoom', onlineCount: 11 });
});

afterEach(async () => {
  await emulator.clearFaults();
  await emulator.rotate(DEMO_CREDENTIALS);
  await proxyControl(process.env.LIVEGATE_DYNAMODB_PROXY as string).reset();
});

afterAll(async () => {
  await proxy.close();
});

const storeThrough = (endpoint: string) =>
  new DynamoSnapshotStore({
    tableName: process.env.LIVEGATE_TABLE as string,
    retentionDays: 30,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, maxAttempts: 4 })),
  });

const ticksOf = async (windowStart: number) =>
  (await localStore().queryRange(targetKey(target), windowStart, windowStart + 2999, {})).records.map((record) => record.gap ?? record.values);

describe('snapshot run under faults', () => {
  test('DynamoDB briefly unavailable: writes are retried and every tick is stored', async () => {
    const providers = snapshotProviders(100, 20);
    const windowStart = await atNextWindow(3);
    proxy.failNext(5);
    const summary = await runSnapshot(await runDependencies(providers, { store: storeThrough(proxy.url), settings: { discovery: false, groups: [target] } }), {
      index: 0,
      count: 1,
    });
    expect(summary.samplesWritten).toBe(3);
    expect(await ticksOf(windowStart)).toEqual([{ onlineCount: 11 }, { onlineCount: 11 }, { onlineCount: 11 }]);
  });

  test('a throttled table (ProvisionedThroughputExceededException past the SDK retries): writes are retried and every tick is stored', async () => {
    const providers = snapshotProviders(100, 20);
    const windowStart = await atNextWindow(3);
    // The SDK gives up after 4 attempts; the store's own retry must carry on through the rest.
    proxy.failNext(9, 400, 'ProvisionedThroughputExceededException');
    const summary = await runSnapshot(await runDependencies(providers, { store: storeThrough(proxy.url), settings: { discovery: false, groups: [target] } }), {
      index: 0,
      count: 1,
    });
    expect(summary.samplesWritten).toBe(3);
    expect(proxy.failuresLeft()).toBe(0);
    expect(await ticksOf(windowStart)).toEqual([{ onlineCount: 11 }, { onlineCount: 11 }, { onlineCount: 11 }]);
  });

  test('a secret rotated mid-run: one recovery, no tick lost', async () => {
    const providers = snapshotProviders(100, 20);
    const windowStart = await atNextWindow(3);
    const rotation = sleep(1300).then(() => emulator.rotate({ tencent: { secretKey: 'rotated-mid-run' } }));
    const summary = await runSnapshot(await runDependencies(providers, { store: localStore(), settings: { discovery: false, groups: [target] } }), {
      index: 0,
      count: 1,
    });
    await rotation;
    expect(summary.gapsByReason).toEqual({});
    expect(await ticksOf(windowStart)).toEqual([{ onlineCount: 11 }, { onlineCount: 11 }, { onlineCount: 11 }]);
    expect((await emulator.stats()).apis.get_online_member_num?.rejected['70009']).toBeGreaterThanOrEqual(1);
  });

  test.each([
    ['an expired UserSig', { errorCode: 70001, times: 1 }],
    ['frequency-limit errors', { errorCode: 60007, times: 2 }],
    ['HTTP 502s', { httpStatus: 502, times: 2 }],
    ['system errors', { errorCode: 10002, times: 2 }],
  ])('%s during a run are recovered within the tick', async (_name, fault) => {
    const providers = snapshotProviders(100, 20);
    await providers.tencent?.client.warm();
    const windowStart = await atNextWindow(3);
    await emulator.addFault({ target: 'tencent', api: 'get_online_member_num', ...fault });
    await runSnapshot(await runDependencies(providers, { store: localStore(), settings: { discovery: false, groups: [target] } }), { index: 0, count: 1 });
    expect(await ticksOf(windowStart)).toEqual([{ onlineCount: 11 }, { onlineCount: 11 }, { onlineCount: 11 }]);
  });

  test('Secrets Manager down before the first read: every tick is a secrets-unavailable gap, none lost', async () => {
    const providers = snapshotProviders(100, 20); // fresh clients: nothing cached
    await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', httpStatus: 500 });
    const windowStart = await atNextWindow(3);
    const summary = await runSnapshot(await runDependencies(providers, { store: localStore(), settings: { discovery: false, groups: [target] } }), {
      index: 0,
      count: 1,
    });
    expect(summary.gapsByReason).toEqual({ 'secrets-unavailable': 3 });
    expect(await ticksOf(windowStart)).toEqual(['secrets-unavailable', 'secrets-unavailable', 'secrets-unavailable']);
  });
});

describe('endpoints under faults', () => {
  test('Secrets Manager unavailable when a rotated key forces a re-read: 502 UPSTREAM_ERROR naming it, then recovery', async () => {
    // The warm function holds the key it read at warm-up. Rotating it makes the upstream refuse
    // that key (70009), which forces a re-read, and that re-read meets the outage: there is no
    // copy worth serving, since the upstream has just refused the cached one.
    const path = groupPath(GROUP, 'online-count');
    expect((await callApi(path)).status).toBe(200);
    await pastRefreshCooldown();
    try {
      await emulator.rotate({ tencent: { secretKey: 'rotated-while-secrets-manager-is-down' } });
      // errorCode: Secrets Manager's own JSON error (an httpStatus fault answers an HTML page).
      await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', errorCode: 500 });
      const secretReads = await callsOf('GetSecretValue');
      const countCalls = await callsOf('get_online_member_num');
      const error = expectContractError(await callApi(path), 502, 'UPSTREAM_ERROR');
      expect(error.upstream).toEqual({ provider: 'aws-secrets-manager', code: 'InternalServiceError', info: 'GetSecretValue failed' });
      // Secrets Manager was really asked: one read, which the reader tries twice (one retry on a 5xx).
      expect((await callsOf('GetSecretValue')) - secretReads).toBe(2);
      // The refused key was not tried again.
      expect((await callsOf('get_online_member_num')) - countCalls).toBe(1);

      await emulator.clearFaults();
      const recovered = await callApi(path);
      expect(recovered.status).toBe(200);
      expect(recovered.body.onlineCount).toBe(11);
      expect((await callsOf('GetSecretValue')) - secretReads).toBe(3);
    } finally {
      await emulator.clearFaults();
      await emulator.restoreDefaultCredentials();
    }
  });

  test('Secrets Manager unavailable at a TTL re-read: the cached copy is served, and read again only after the backoff', async () => {
    // In-process, with the functions' own SecretCache and Secrets Manager client against the
    // emulator: a deployed function re-reads only every 5 minutes, too long to wait for here.
    const secrets = new SecretCache({
      source: secretSourceFrom(process.env),
      secretId: LOCAL_SECRET_NAMES.tencent,
      parse: parseTencentSecret,
      ttlMs: 300,
      failureBackoffMs: 1500,
    });
    const tencent = new TencentChatClient({
      baseUrls: [emulatorUrl()],
      secrets,
      userSigs: new UserSigCache({ lifetimeSeconds: 3600 }),
      attemptTimeoutMs: 2000,
    });
    const onlineCount = async () => (await tencent.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000))).OnlineMemberNum;
    const secretReads = await callsOf('GetSecretValue');
    expect(await onlineCount()).toBe(11);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(1);

    await sleep(400); // past the TTL
    await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', httpStatus: 500 });
    expect(await onlineCount()).toBe(11);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(3); // the failed read, tried twice by the reader
    // During the backoff the cached copy is served without asking again.
    expect(await onlineCount()).toBe(11);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(3);

    await emulator.clearFaults();
    await sleep(1600); // past the backoff
    expect(await onlineCount()).toBe(11);
    expect((await callsOf('GetSecretValue')) - secretReads).toBe(4);
  });

  test('Secrets Manager unavailable: a cold client answers 502 UPSTREAM_ERROR naming it, in bounded time, and recovers after', async () => {
    await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', httpStatus: 503 });
    const cold = coldTencentClient();
    const started = Date.now();
    const failure = await cold.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'unavailable', provider: 'aws-secrets-manager' });
    expect(toApiError(failure)).toMatchObject({ code: 'UPSTREAM_ERROR', statusCode: 502, upstream: { provider: 'aws-secrets-manager' } });
    expect(Date.now() - started).toBeLessThan(8000);
    await emulator.clearFaults();
    expect((await cold.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000))).OnlineMemberNum).toBe(11);
  });

  test('Secrets Manager failing once is absorbed by the one retry of the reader', async () => {
    await emulator.addFault({ target: 'secrets', api: 'GetSecretValue', httpStatus: 500, times: 1 });
    const cold = coldTencentClient();
    expect((await cold.call('get_online_member_num', { GroupId: GROUP }, Deadline.after(5000))).OnlineMemberNum).toBe(11);
  });

  test('the snapshot table unavailable: history answers 502 UPSTREAM_ERROR, then recovers', async () => {
    const path = `${groupPath(GROUP, 'online-count/history')}`;
    expect((await callApi(path)).status).toBe(200);
    await proxyControl(process.env.LIVEGATE_DYNAMODB_PROXY as string).failNext(50, 500);
    const error = expectContractError(await callApi(path), 502, 'UPSTREAM_ERROR');
    expect(error.upstream).toMatchObject({ provider: 'aws-dynamodb' });
    await proxyControl(process.env.LIVEGATE_DYNAMODB_PROXY as string).reset();
    expect((await callApi(path)).status).toBe(200);
  });

  test('the snapshot table too slow: history answers 504 UPSTREAM_TIMEOUT within the budget', async () => {
    const path = `${groupPath(GROUP, 'online-count/history')}`;
    await proxyControl(process.env.LIVEGATE_DYNAMODB_PROXY as string).delay(12_000);
    const started = Date.now();
    const answer = await callApi(path);
    expectContractError(answer, 504, 'UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('DynamoDB partial batches', () => {
  test('unprocessed items are written again until none is left', async () => {
    // dynalite never leaves items unprocessed; a client that does so on its first answer stands in for DynamoDB under load.
    const real = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoEndpoint() }));
    let calls = 0;
    const partial = {
      send: async (command: BatchWriteCommand) => {
        calls += 1;
        const table = process.env.LIVEGATE_TABLE as string;
        const items = command.input.RequestItems?.[table] ?? [];
        if (calls === 1) {
          await real.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(0, 1) } }));
          return { UnprocessedItems: { [table]: items.slice(1) } };
        }
        return real.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoSnapshotStore({ tableName: process.env.LIVEGATE_TABLE as string, retentionDays: 30, client: partial });
    const key = targetKey({ kind: 'group', groupId: '@TGS#aPARTIAL' });
    await store.putSamples(
      [1, 2, 3].map((n) => ({ key, at: n, values: { onlineCount: n } })),
      Date.now() + 5000,
    );
    expect(calls).toBe(2);
    expect((await localStore().queryRange(key, 0, 10, {})).records.map((record) => record.at)).toEqual([1, 2, 3]);
  });
});
