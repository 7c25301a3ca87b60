import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyCallbackEffect, RecentRenewals } from '#lib/callbacks/effects.ts';
import { Deadline } from '#lib/deadline.ts';
import { inPool } from '#lib/pool.ts';
import { collectTargets } from '#lib/snapshots/collect-targets.ts';
import { type Target, targetKey } from '#lib/snapshots/targets.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import { type FaultProxy, startFaultProxy } from '#test/support/fault-proxy.ts';
import { emulator } from '#test/support/http.ts';
import { dynamoEndpoint, freshRegistry, freshRegistryTable, snapshotProviders, useLocalAws } from '#test/support/snapshots.ts';

// The registry against dynalite: what each change stores, and what reading it costs a run.

let proxy: FaultProxy;
beforeAll(async () => {
  useLocalAws();
  proxy = await startFaultProxy(dynamoEndpoint());
});
afterAll(async () => {
  await proxy.close();
  await emulator.clearFaults();
});

const group = (groupId: string): Target => ({ kind: 'group', groupId });
const HOUR = 3_600_000;

describe('tracking registry', () => {
  test('sources start, renew, lapse and end independently; a target with none left is forgotten', async () => {
    const registry = await freshRegistry();
    const target = group('@TGS#aREGISTRY1');
    const t0 = 1_700_000_000_000;
    expect(await registry.addSource(target, 'api', null, t0)).toEqual({ target, sources: { api: { since: t0, expiresAt: null } } });
    // A renewal while in force keeps the start; another source has its own.
    expect((await registry.addSource(target, 'api', t0 + HOUR, t0 + 1000)).sources.api).toEqual({ since: t0, expiresAt: t0 + HOUR });
    const both = await registry.addSource(target, 'callback', t0 + 2 * HOUR, t0 + 2000);
    expect(both.sources).toEqual({ api: { since: t0, expiresAt: t0 + HOUR }, callback: { since: t0 + 2000, expiresAt: t0 + 2 * HOUR } });
    // After its end, the api source starts again from now when it is added again.
    expect((await registry.addSource(target, 'api', null, t0 + 3 * HOUR)).sources.api).toEqual({ since: t0 + 3 * HOUR, expiresAt: null });
    const page = await registry.page('group', {});
    expect(page.items).toEqual([
      { target, sources: { api: { since: t0 + 3 * HOUR, expiresAt: null }, callback: { since: t0 + 2000, expiresAt: t0 + 2 * HOUR } } },
    ]);
    // Ending api at a time the callback source has lapsed: nothing is left in force, so the target is forgotten.
    expect((await registry.removeSources(target, ['api'], t0 + 3 * HOUR)).sources).toEqual({ callback: { since: t0 + 2000, expiresAt: t0 + 2 * HOUR } });
    expect((await registry.page('group', {})).items).toEqual([]);
    // Ending a source of a target never tracked changes nothing and creates nothing.
    expect(await registry.removeSources(group('@TGS#aNEVER'), ['api'], t0)).toEqual({ target: group('@TGS#aNEVER'), sources: {} });
    expect((await registry.page('group', {})).items).toEqual([]);
  });

  test('membership renewals reach the registry at most every 5 minutes per target; starts and ends always do', async () => {
    const registry = await freshRegistry();
    const renewals = new RecentRenewals();
    const target = group('@TGS#aRENEWED');
    const other = group('@TGS#aRENEWED2');
    const idleMs = 6 * HOUR;
    const t0 = 1_700_000_000_000;
    const expiry = async (of: Target) =>
      (await registry.page('group', {})).items.find((item) => targetKey(item.target) === targetKey(of))?.sources.callback?.expiresAt;
    const apply = (effect: Parameters<typeof applyCallbackEffect>[1], now: number) => applyCallbackEffect(registry, effect, { idleMs, now, renewals });

    await apply({ action: 'track', target, renewal: false }, t0);
    await apply({ action: 'track', target, renewal: true }, t0 + 1000);
    expect(await expiry(target)).toBe(t0 + 1000 + idleMs);
    // A burst of joins within 5 minutes writes nothing more: the stored end stays where the first renewal put it.
    await apply({ action: 'track', target, renewal: true }, t0 + 60_000);
    await apply({ action: 'track', target, renewal: true }, t0 + 4 * 60_000);
    expect(await expiry(target)).toBe(t0 + 1000 + idleMs);
    // Each target has its own pace.
    await apply({ action: 'track', target: other, renewal: true }, t0 + 4 * 60_000);
    expect(await expiry(other)).toBe(t0 + 4 * 60_000 + idleMs);
    // Five minutes after the last written renewal, the next one is written.
    await apply({ action: 'track', target, renewal: true }, t0 + 1000 + 5 * 60_000);
    expect(await expiry(target)).toBe(t0 + 1000 + 5 * 60_000 + idleMs);
    // A start is never skipped, even right after a renewal.
    await apply({ action: 'track', target, renewal: false }, t0 + 6 * 60_000);
    expect(await expiry(target)).toBe(t0 + 6 * 60_000 + idleMs);
    // An end is written and forgets the pace, so the next renewal after it starts the source again at once.
    await apply({ action: 'untrack', target }, t0 + 6 * 60_000 + 1);
    expect(await expiry(target)).toBeUndefined();
    await apply({ action: 'track', target, renewal: true }, t0 + 6 * 60_000 + 2);
    expect(await expiry(target)).toBe(t0 + 6 * 60_000 + 2 + idleMs);
  });

  test('an event is remembered once; forgetting it lets it through again', async () => {
    const registry = await freshRegistry();
    expect(await registry.rememberEvent('volcengine', 'event-1', 60, Date.now())).toBe(true);
    expect(await registry.rememberEvent('volcengine', 'event-1', 60, Date.now())).toBe(false);
    expect(await registry.rememberEvent('tencent', 'event-1', 60, Date.now())).toBe(true);
    await registry.forgetEvent('volcengine', 'event-1');
    expect(await registry.rememberEvent('volcengine', 'event-1', 60, Date.now())).toBe(true);
    // Events never show among the targets.
    expect((await registry.page('group', {})).items).toEqual([]);
  });

  test('a run with 5,000 tracked targets reads the registry in a handful of DynamoDB calls', async () => {
    const tableName = await freshRegistryTable();
    const fresh = new DynamoTrackingRegistry({ tableName });
    const now = Date.now();
    const targets = Array.from({ length: 5000 }, (_, index) => group(`@TGS#aTRACKED${String(index).padStart(5, '0')}`));
    await inPool(
      targets.map((target) => () => fresh.addSource(target, 'api', null, now)),
      32,
    );
    // The run's own registry, through a relay that counts every DynamoDB request it makes.
    const counted = new DynamoTrackingRegistry({ tableName, client: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: proxy.url, maxAttempts: 1 })) });
    const relayedBefore = proxy.relayed();
    const collected = await collectTargets(
      {
        configuredGroups: [],
        configuredRooms: [],
        kinds: ['group', 'room'],
        discoveryClient: undefined,
        registry: counted,
        discoveryDeadline: Deadline.after(1000),
        now,
      },
      { index: 0, count: 1 },
    );
    expect(collected.groups).toHaveLength(5000);
    expect(collected.bySource).toEqual({ discovery: 0, config: 0, api: 5000, callback: 0 });
    expect(collected.registryChanges).toEqual([]);
    const calls = proxy.relayed() - relayedBefore;
    expect(calls).toBe(collected.registryReads);
    // 5,000 targets fit one or two 1 MB Query pages, plus one Query for the (empty) rooms.
    expect(calls).toBeLessThanOrEqual(3);
  });
});

describe('what a run tells the registry', () => {
  // Discovery is the emulator's: the live groups it holds, or a failure injected into it.
  const liveGroups = async (groups: Target[] | 'failed') => {
    await emulator.reset();
    if (groups === 'failed') {
      await emulator.addFault({ target: 'tencent', api: 'get_appid_group_list', httpStatus: 502 });
      return;
    }
    for (const target of groups) await emulator.putGroup((target as { groupId: string }).groupId, { type: 'AVChatRoom', onlineCount: 1 });
  };
  const collect = async (registry: DynamoTrackingRegistry, options: { configured?: Target[]; discovered?: Target[] | 'failed'; now: number }) => {
    if (options.discovered !== undefined) await liveGroups(options.discovered);
    return collectTargets(
      {
        configuredGroups: options.configured ?? [],
        configuredRooms: [],
        kinds: ['group'],
        discoveryClient: options.discovered === undefined ? undefined : snapshotProviders(100, 20).tencent?.client,
        registry,
        discoveryDeadline: Deadline.after(5000),
        now: options.now,
      },
      { index: 0, count: 1 },
    );
  };
  const apply = async (registry: DynamoTrackingRegistry, changes: Awaited<ReturnType<typeof collect>>['registryChanges'], now: number) => {
    for (const change of changes) {
      for (const source of change.add) await registry.addSource(change.target, source, null, now);
      if (change.remove.length > 0) await registry.removeSources(change.target, change.remove, now);
    }
  };

  test('discovery and configuration become sources, leave when they no longer list a target, and survive a failed discovery', async () => {
    const registry = await freshRegistry();
    const [a, b, c] = [group('@TGS#aRUN1'), group('@TGS#aRUN2'), group('@TGS#aRUN3')];
    await registry.addSource(c, 'api', null, 1000);
    const first = await collect(registry, { configured: [a], discovered: [a, b], now: 2000 });
    expect(first.groups).toEqual([a, b, c]);
    expect(first.bySource).toEqual({ discovery: 2, config: 1, api: 1, callback: 0 });
    expect(first.registryChanges).toEqual(
      expect.arrayContaining([
        { target: a, add: ['discovery', 'config'], remove: [] },
        { target: b, add: ['discovery'], remove: [] },
      ]),
    );
    expect(first.registryChanges).toHaveLength(2);
    await apply(registry, first.registryChanges, 2000);

    // Discovery fails: what it found last time still counts, and nothing is removed.
    const failed = await collect(registry, { configured: [a], discovered: 'failed', now: 3000 });
    expect(failed.groups).toEqual([a, b, c]);
    expect(failed.discovery).toMatchObject({ ok: false });
    expect(failed.registryChanges).toEqual([]);

    // b is no longer live and a is no longer configured: those sources end, b is forgotten.
    const later = await collect(registry, { configured: [], discovered: [a], now: 4000 });
    expect(later.groups).toEqual([a, c]);
    expect(later.registryChanges).toEqual(
      expect.arrayContaining([
        { target: a, add: [], remove: ['config'] },
        { target: b, add: [], remove: ['discovery'] },
      ]),
    );
    await apply(registry, later.registryChanges, 4000);
    expect((await registry.page('group', {})).items.map((item) => [item.target, Object.keys(item.sources).sort()])).toEqual([
      [a, ['discovery']],
      [c, ['api']],
    ]);

    // Discovery turned off: its sources end too.
    const off = await collect(registry, { now: 5000 });
    expect(off.groups).toEqual([c]);
    expect(off.registryChanges).toEqual([{ target: a, add: [], remove: ['discovery'] }]);
    await emulator.clearFaults();
  });

  test('a target whose sources all lapsed is neither sampled nor kept', async () => {
    const registry = await freshRegistry();
    const target = group('@TGS#aLAPSED');
    await registry.addSource(target, 'callback', 5000, 1000);
    expect((await collect(registry, { now: 4000 })).groups).toEqual([target]);
    const after = await collect(registry, { now: 6000 });
    expect(after.groups).toEqual([]);
    expect(after.registryChanges).toEqual([{ target, add: [], remove: ['callback'] }]);
    await apply(registry, after.registryChanges, 6000);
    expect((await registry.page('group', {})).items).toEqual([]);
  });
});
