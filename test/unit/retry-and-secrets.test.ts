import { Deadline } from '#lib/deadline.ts';
import { toMember } from '#lib/groups/members.ts';
import { SecretCache } from '#lib/secrets.ts';
import { isTransientFailure, UpstreamFailure } from '#lib/upstream/failure.ts';
import { backoffDelayMs, retrying } from '#lib/upstream/retry.ts';

describe('backoff', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test('stays within the exponential cap and is jittered', () => {
    expect(backoffDelayMs(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, policy, () => 0.999)).toBe(799);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  test('retries transient failures only, and not past the attempts', async () => {
    let calls = 0;
    const transient = () => {
      calls += 1;
      throw new UpstreamFailure('server', 'tencent-im', 10002, 'x');
    };
    await expect(
      retrying(async () => transient(), {
        policy: { ...policy, baseDelayMs: 1, maxDelayMs: 1 },
        deadline: Deadline.after(5000),
        isRetryable: isTransientFailure,
      }),
    ).rejects.toThrow(UpstreamFailure);
    expect(calls).toBe(5);
    calls = 0;
    const permanent = () => {
      calls += 1;
      throw new UpstreamFailure('rejected', 'tencent-im', 10010, 'x');
    };
    await expect(retrying(async () => permanent(), { policy, deadline: Deadline.after(5000), isRetryable: isTransientFailure })).rejects.toThrow(
      UpstreamFailure,
    );
    expect(calls).toBe(1);
  });

  test('does not sleep past the deadline', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      retrying(
        async () => {
          calls += 1;
          throw new UpstreamFailure('server', 'tencent-im', 10002, 'x');
        },
        { policy: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000 }, deadline: Deadline.after(30), isRetryable: () => true, random: () => 0.9 },
      ),
    ).rejects.toThrow();
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('secret cache', () => {
  const source = (values: string[]) => {
    let reads = 0;
    return {
      get reads() {
        return reads;
      },
      read: async () => {
        const value = values[Math.min(reads, values.length - 1)] as string;
        reads += 1;
        return value;
      },
    };
  };

  test('caches for the TTL, then reads again', async () => {
    let clock = 0;
    const src = source(['a', 'b']);
    const cache = new SecretCache({ source: src, secretId: 's', parse: (raw) => raw, ttlMs: 1000, clock: () => clock });
    expect((await cache.get()).value).toBe('a');
    clock = 999;
    expect((await cache.get()).value).toBe('a');
    clock = 1000;
    expect((await cache.get()).value).toBe('b');
    expect(src.reads).toBe(2);
  });

  test('concurrent readers share one read', async () => {
    const src = source(['a']);
    const cache = new SecretCache({ source: src, secretId: 's', parse: (raw) => raw, ttlMs: 1000 });
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(src.reads).toBe(1);
  });

  test('refresh re-reads once per stale version, and not within the cooldown', async () => {
    let clock = 0;
    const src = source(['old', 'new']);
    const cache = new SecretCache({ source: src, secretId: 's', parse: (raw) => raw, ttlMs: 60_000, refreshCooldownMs: 1000, clock: () => clock });
    const first = await cache.get();
    expect((await cache.refresh(first.version)).value).toBe('old'); // within the cooldown of the first read
    clock = 1500;
    const refreshed = await cache.refresh(first.version);
    expect(refreshed.value).toBe('new');
    expect((await cache.refresh(first.version)).value).toBe('new'); // a newer copy is in hand
    expect(src.reads).toBe(2);
  });

  test('a failed re-read after the TTL serves the cached copy; a first read that fails is an unavailable-secret failure', async () => {
    let clock = 0;
    let fail = false;
    const cache = new SecretCache({
      source: {
        read: async () => {
          if (fail) throw new Error('ServiceUnavailable');
          return 'v';
        },
      },
      secretId: 's',
      parse: (raw) => raw,
      ttlMs: 10,
      clock: () => clock,
    });
    let reads = 0;
    const counted = new SecretCache({
      source: {
        read: async () => {
          reads += 1;
          if (fail) throw new Error('ServiceUnavailable');
          return 'v';
        },
      },
      secretId: 's',
      parse: (raw) => raw,
      ttlMs: 10,
      failureBackoffMs: 1000,
      clock: () => clock,
    });
    await cache.get();
    await counted.get();
    fail = true;
    clock = 100;
    expect((await cache.get()).value).toBe('v');
    // During the outage the cached copy is served without a read on every call, and read again after the backoff.
    expect((await counted.get()).value).toBe('v');
    clock = 600;
    expect((await counted.get()).value).toBe('v');
    expect(reads).toBe(2);
    clock = 1200;
    fail = false;
    expect((await counted.get()).value).toBe('v');
    expect(reads).toBe(3);
    const cold = new SecretCache({
      source: {
        read: async () => {
          throw new Error('down');
        },
      },
      secretId: 's',
      parse: (raw) => raw,
      ttlMs: 10,
    });
    await expect(cold.get()).rejects.toMatchObject({ kind: 'unavailable', provider: 'aws-secrets-manager' });
    await expect(cold.get()).rejects.toBeInstanceOf(UpstreamFailure);
  });
});

describe('member mapping', () => {
  test('trims and lower-cases roles, maps custom data, and leaves out what was not asked for', () => {
    const raw = { Member_Account: 'peter', Role: 'Member ', JoinTime: 1, NameCard: 'p', AppMemberDefinedData: [{ Key: 'K', Value: 'V' }] };
    expect(toMember(raw, undefined)).toEqual({ account: 'peter', role: 'member', joinTime: 1, nameCard: 'p', customData: { K: 'V' } });
    expect(toMember(raw, ['role'])).toEqual({ account: 'peter', role: 'member', customData: { K: 'V' } });
  });
});
