import { ConfigError } from '#lib/config/env.ts';
import { gapReason } from '#lib/snapshots/gap-reason.ts';
import { decodeCursor, encodeCursor, type HistoryCursor } from '#lib/snapshots/history.ts';
import { allowedIntervals, planRun, windowTicks } from '#lib/snapshots/plan.ts';
import { inShard, parseRoomList, type Target, targetKey, uniqueTargets } from '#lib/snapshots/targets.ts';
import { tencentFailure } from '#lib/tencent/failures.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { RateGate } from '#lib/upstream/rate-gate.ts';

describe('run planning', () => {
  test('intervals that tile a minute', () => {
    expect(allowedIntervals(10, 60)).toEqual([10, 12, 15, 20, 30, 60]);
    expect(allowedIntervals(7, 60)).toEqual([10, 12, 15, 20, 30, 60]);
  });

  test.each([
    [2000, 200, { intervalSeconds: 10, sampledTargets: 2000, lengthened: false }],
    [2001, 200, { intervalSeconds: 12, sampledTargets: 2001, lengthened: true }],
    [6000, 200, { intervalSeconds: 30, sampledTargets: 6000, lengthened: true }],
    [12000, 200, { intervalSeconds: 60, sampledTargets: 12000, lengthened: true }],
    [12001, 200, { intervalSeconds: 60, sampledTargets: 12000, lengthened: true }],
    [500, 50, { intervalSeconds: 10, sampledTargets: 500, lengthened: false }],
  ])('%i targets at %i/s', (targets, ratePerSecond, plan) => {
    expect(planRun({ targets, ratePerSecond, baseIntervalSeconds: 10, windowSeconds: 60 })).toEqual(plan);
  });

  test('ticks are wall-clock aligned to the window', () => {
    const minute = Date.UTC(2026, 10, 21, 10, 0, 0);
    expect(windowTicks(minute + 12_345, 60, 20)).toEqual([minute, minute + 20_000, minute + 40_000]);
  });
});

describe('targets', () => {
  const groups: Target[] = Array.from({ length: 500 }, (_, index) => ({ kind: 'group', groupId: `@TGS#a${index}` }));

  test('each target is in exactly one shard, and shards are roughly even', () => {
    const sizes = [0, 1, 2, 3].map((index) => groups.filter((target) => inShard(target, { index, count: 4 })).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(500);
    for (const size of sizes) expect(size).toBeGreaterThan(80);
    for (const target of groups.slice(0, 20)) {
      expect([0, 1, 2, 3].filter((index) => inShard(target, { index, count: 4 }))).toHaveLength(1);
    }
  });

  test('duplicates are removed and order is stable', () => {
    const unique = uniqueTargets([
      { kind: 'group', groupId: 'b' },
      { kind: 'group', groupId: 'a' },
      { kind: 'group', groupId: 'b' },
    ]);
    expect(unique.map(targetKey)).toEqual(['G#a', 'G#b']);
  });

  test('room lists take appId:roomId or the default AppId', () => {
    expect(parseRoomList(['r1', 'app2:r2'], 'app1')).toEqual([
      { kind: 'room', appId: 'app1', roomId: 'r1' },
      { kind: 'room', appId: 'app2', roomId: 'r2' },
    ]);
    expect(() => parseRoomList(['r1'], undefined)).toThrow(/no default RTC AppId/);
  });
});

describe('gap reasons', () => {
  test.each([
    [new UpstreamFailure('timeout', 'tencent-im', 'TIMEOUT', 'x'), 'upstream-timeout'],
    [tencentFailure(10010, 'gone'), 'group-not-found'],
    [tencentFailure(10007, 'not live'), 'unsupported-group-type'],
    [tencentFailure(60007, 'too often'), 'upstream-rate-limited'],
    [tencentFailure(70009, 'bad key'), 'upstream-auth-failed'],
    [new UpstreamFailure('unavailable', 'aws-secrets-manager', 'X', 'GetSecretValue failed'), 'secrets-unavailable'],
    [new UpstreamFailure('bad-response', 'tencent-im', 'BAD', 'x'), 'upstream-error'],
    [new ConfigError('the tencent secret is missing secretKey'), 'misconfigured'],
    [new TypeError('bug'), 'internal'],
  ])('%s → %s', (error, reason) => {
    expect(gapReason(error)).toBe(reason);
  });
});

describe('history cursor', () => {
  const cursor: HistoryCursor = { from: 1000, to: 5000, step: '1h', used: '1h', after: 2000 };
  const decodeJson = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  test('round-trips for the same target only, carries no stats and does not spell out the target', () => {
    const text = encodeCursor('G#g', cursor);
    expect(decodeCursor(text, 'G#g')).toEqual(cursor);
    expect(decodeCursor(text, 'G#other')).toBeUndefined();
    expect(decodeCursor(text, 'R#app#g')).toBeUndefined();
    expect(Object.keys(decodeJson(text))).toEqual(['from', 'to', 'step', 'used', 'after', 'check']);
    expect(decodeCursor(encodeCursor('G#g', { ...cursor, step: 'auto', used: 'raw' }), 'G#g')).toEqual({ ...cursor, step: 'auto', used: 'raw' });
  });

  test('cannot be edited into another range, step or position, even with a well-formed body', () => {
    const fields = decodeJson(encodeCursor('G#g', cursor));
    for (const change of [
      { from: 0 },
      { to: 9000 },
      { step: '1d', used: '1d' },
      { used: '1m' },
      { after: 3000 },
      { check: fields.check.toUpperCase() },
      { extra: 1 },
    ]) {
      expect(decodeCursor(encodeJson({ ...fields, ...change }), 'G#g')).toBeUndefined();
    }
    const { check: _check, ...unchecked } = fields;
    expect(decodeCursor(encodeJson(unchecked), 'G#g')).toBeUndefined();
  });

  test('every one-character edit is refused', () => {
    const text = encodeCursor('G#g', cursor);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let at = 0; at < text.length; at += 1) {
      for (const replacement of alphabet) {
        if (replacement === text[at]) continue;
        const edited = `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
        expect({ edited, decoded: decodeCursor(edited, 'G#g') }).toEqual({ edited, decoded: undefined });
      }
    }
  });

  test.each([
    '',
    'a b',
    '!!!',
    Buffer.from('null').toString('base64url'),
    encodeCursor('G#g', { ...cursor, after: 9000 }),
    encodeCursor('G#g', { ...cursor, after: 500 }),
    encodeCursor('G#g', { ...cursor, step: '1h', used: '1d' }),
    encodeCursor('G#g', { ...cursor, step: 'weekly' as never }),
    encodeCursor('G#g', { ...cursor, used: 'auto' as never }),
    encodeCursor('G#g', { ...cursor, from: -1 }),
  ])('rejects %p', (text) => {
    expect(decodeCursor(text, 'G#g')).toBeUndefined();
  });
});

describe('rate gate', () => {
  test('lets at most N calls start in any second', async () => {
    const gate = new RateGate(5, { marginMs: 0 });
    const starts: number[] = [];
    const began = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await gate.acquire();
        starts.push(Date.now() - began);
      }),
    );
    starts.sort((a, b) => a - b);
    for (let i = 5; i < starts.length; i += 1) expect((starts[i] as number) - (starts[i - 5] as number)).toBeGreaterThanOrEqual(999);
    expect(starts[11]).toBeGreaterThanOrEqual(2000);
  });
});
