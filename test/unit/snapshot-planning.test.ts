import { ConfigError } from '#lib/config/env.ts';
import { gapReason } from '#lib/snapshots/gap-reason.ts';
import { decodeCursor, emptyStats, encodeCursor } from '#lib/snapshots/history.ts';
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
  const cursor = { key: 'G#g', from: 1000, to: 5000, after: 2000, stats: emptyStats() };
  const stats = { samples: 2, gaps: 1, peak: 9, peakAt: '2026-11-21T10:00:00.000Z', min: 3, avg: 6 };

  test('round-trips for the same target only', () => {
    const text = encodeCursor(cursor);
    expect(decodeCursor(text, 'G#g')).toEqual(cursor);
    expect(decodeCursor(text, 'G#other')).toBeUndefined();
  });

  test('carries full stats', () => {
    expect(decodeCursor(encodeCursor({ ...cursor, stats }), 'G#g')).toEqual({ ...cursor, stats });
  });

  const edited = (change: Record<string, unknown>) => encodeCursor({ ...cursor, stats: { ...stats, ...change } } as never);
  test.each([
    '',
    'a b',
    '!!!',
    Buffer.from('null').toString('base64url'),
    encodeCursor({ ...cursor, after: 9000 }),
    edited({ peak: 'high' }),
    edited({ avg: null }),
    edited({ samples: -1 }),
    edited({ peakAt: 'yesterday' }),
    edited({ extra: 1 }),
    encodeCursor({ ...cursor, stats: { ...emptyStats(), peak: 4 } }),
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
