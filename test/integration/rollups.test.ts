import { randomUUID } from 'node:crypto';
import type { Aggregate } from '#lib/snapshots/aggregate.ts';
import { emptyRollupMemory, RollupWriter } from '#lib/snapshots/rollup-writer.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, type RollupLevel, readAllRollups, rollupsOfRecords } from '#lib/snapshots/rollups.ts';
import type { Rollup, SnapshotRecord, SnapshotStore } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { localStore, storeTicks, useLocalAws } from '#test/support/snapshots.ts';

// The rollups the run writes, against dynalite: exact, idempotent, and right when writers race.

beforeAll(() => {
  useLocalAws();
});

const newKey = () => targetKey({ kind: 'group', groupId: `@TGS#aROLL${randomUUID().slice(0, 8)}` });
// Midnight UTC: a day, an hour and a minute all start here.
const base = Date.UTC(2026, 10, 21);
const sample = (key: string, at: number, onlineCount: number): SnapshotRecord => ({ key, at, values: { onlineCount } });
const gap = (key: string, at: number, reason = 'upstream-timeout'): SnapshotRecord => ({ key, at, gap: reason });

const figures = (rollup: Rollup): Aggregate & { at: number } => {
  const { at, samples, gaps, sum, min, max, maxAt, last } = rollup;
  return { at, samples, gaps, sum, min, max, maxAt, last };
};
const rollupsOf = async (store: SnapshotStore, level: RollupLevel, key: string) =>
  (await readAllRollups(store, level, key, 0, Number.MAX_SAFE_INTEGER, { consistent: true })).map(figures);
const allLevels = async (store: SnapshotStore, key: string) => ({
  minute: await rollupsOf(store, 'minute', key),
  hour: await rollupsOf(store, 'hour', key),
  day: await rollupsOf(store, 'day', key),
});

describe('rollups', () => {
  test('a minute, its hour and its day add up the stored ticks; the same ticks written again change nothing', async () => {
    const store = localStore();
    const key = newKey();
    const ticks = [sample(key, base, 5), gap(key, base + 10_000), sample(key, base + 20_000, 9), sample(key, base + 30_000, 9), sample(key, base + 40_000, 2)];
    await storeTicks(store, ticks);
    const expected = { samples: 4, gaps: 1, sum: 25, min: 2, max: 9, maxAt: base + 20_000, last: 2 };
    const once = await allLevels(store, key);
    expect(once).toEqual({ minute: [{ at: base, ...expected }], hour: [{ at: base, ...expected }], day: [{ at: base, ...expected }] });

    // A retried run, or one overlapping it, writes the same ticks again: nothing is counted twice.
    await storeTicks(store, ticks);
    await storeTicks(store, ticks.slice(1, 3));
    expect(await allLevels(store, key)).toEqual(once);
  });

  test('a late sample over a gap, a late gap and a changed sample update every level exactly', async () => {
    const store = localStore();
    const key = newKey();
    const minute2 = base + 2 * MINUTE_MS;
    await storeTicks(store, [gap(key, base), sample(key, base + 10_000, 4), sample(key, minute2, 6)]);
    expect((await allLevels(store, key)).hour).toEqual([{ at: base, samples: 2, gaps: 1, sum: 10, min: 4, max: 6, maxAt: minute2, last: 6 }]);

    // An overlapping run sampled the tick the first one lost: the sample replaces the gap.
    await storeTicks(store, [sample(key, base, 8)]);
    // A late retry stores a tick it missed as a gap.
    await storeTicks(store, [gap(key, base + 20_000, 'missed')]);
    // ...and a gap never hides a sample: this one is not stored.
    await storeTicks(store, [gap(key, base + 10_000, 'missed')]);
    const levels = await allLevels(store, key);
    expect(levels.minute).toEqual([
      { at: base, samples: 2, gaps: 1, sum: 12, min: 4, max: 8, maxAt: base, last: 4 },
      { at: minute2, samples: 1, gaps: 0, sum: 6, min: 6, max: 6, maxAt: minute2, last: 6 },
    ]);
    const whole = { samples: 3, gaps: 1, sum: 18, min: 4, max: 8, maxAt: base, last: 6 };
    expect(levels.hour).toEqual([{ at: base, ...whole }]);
    expect(levels.day).toEqual([{ at: base, ...whole }]);

    // Two runs sampled the same tick and got different counts: the one stored last is what counts.
    await storeTicks(store, [sample(key, minute2, 1)]);
    expect((await allLevels(store, key)).day).toEqual([{ at: base, samples: 3, gaps: 1, sum: 13, min: 1, max: 8, maxAt: base, last: 1 }]);
  });

  test('hours and days span their minutes, and bulk-built rollups are what the run writes', async () => {
    const store = localStore();
    const key = newKey();
    // Ticks across two days and three hours (over midnight, and past noon), one value and one gap a minute.
    const ticks: SnapshotRecord[] = [];
    for (const start of [base - MINUTE_MS, base + 10 * MINUTE_MS, base + 13 * HOUR_MS + 30 * MINUTE_MS]) {
      for (let minute = 0; minute < 3; minute += 1) {
        ticks.push(sample(key, start + minute * MINUTE_MS, 10 + minute), gap(key, start + minute * MINUTE_MS + 30_000));
      }
    }
    await storeTicks(store, ticks);
    const levels = await allLevels(store, key);
    expect(levels.minute).toHaveLength(9);
    expect(levels.hour.map((hour) => [hour.at - base, hour.samples, hour.gaps, hour.sum])).toEqual([
      [-HOUR_MS, 1, 1, 10],
      [0, 5, 5, 56],
      [13 * HOUR_MS, 3, 3, 33],
    ]);
    expect(levels.day.map((day) => [day.at - base, day.samples, day.gaps, day.max, day.maxAt])).toEqual([
      [-DAY_MS, 1, 1, 10, base - MINUTE_MS],
      [0, 8, 8, 12, base + MINUTE_MS],
    ]);
    // The bench and a backfill build rollups in bulk: the same figures.
    const bulk = rollupsOfRecords(key, ticks);
    expect(bulk.filter((rollup) => rollup.level === 'minute').map(figures)).toEqual(levels.minute);
    expect(bulk.filter((rollup) => rollup.level === 'hour').map(figures)).toEqual(levels.hour);
    expect(bulk.filter((rollup) => rollup.level === 'day').map(figures)).toEqual(levels.day);
  });

  test('a recomputation that read before another run wrote, and writes last, is set right by its own read after writing', async () => {
    const store = localStore();
    const key = newKey();
    await storeTicks(store, [sample(key, base, 1)]);
    // Run A reads the minute (one tick), then stalls before writing its rollup...
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stallNext = true;
    const slowStore: SnapshotStore = Object.create(store, {
      putRollups: {
        value: async (rollups: Rollup[], giveUpAt: number) => {
          if (stallNext && rollups[0]?.level === 'minute') {
            stallNext = false;
            await stalled;
          }
          return store.putRollups(rollups, giveUpAt);
        },
      },
    });
    const runA = new RollupWriter(slowStore, Date.now() + 30_000);
    runA.touched([sample(key, base, 1)]);
    const settlingA = runA.settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // ...while run B writes a second tick and all its rollups.
    await storeTicks(store, [sample(key, base + 10_000, 50)]);
    expect((await rollupsOf(store, 'minute', key))[0]?.samples).toBe(2);
    // A's stale figure (one tick) lands last; its read after writing sees two ticks and writes again.
    release();
    expect(await settlingA).toEqual([]);
    expect(runA.summary.writes).toBeGreaterThan(3);
    const expected = { at: base, samples: 2, gaps: 0, sum: 51, min: 1, max: 50, maxAt: base + 10_000, last: 50 };
    expect(await allLevels(store, key)).toEqual({ minute: [expected], hour: [expected], day: [expected] });
  });

  test('rollups a run could not write are written by the next run of the container', async () => {
    const store = localStore();
    const key = newKey();
    const ticks = [sample(key, base, 3), sample(key, base + 10_000, 4)];
    await store.putSamples(ticks, Date.now() + 10_000);
    const broken: SnapshotStore = Object.create(store, {
      putRollups: {
        value: async () => {
          throw new Error('the table is unavailable');
        },
      },
    });
    const memory = emptyRollupMemory();
    const failing = new RollupWriter(broken, Date.now() + 500, { memory });
    failing.touched(ticks);
    expect(await failing.settle()).toHaveLength(1);
    expect(failing.summary.failedTargets).toBe(1);
    expect(await rollupsOf(store, 'minute', key)).toEqual([]);

    // The next run samples other targets only; it still writes what the last one left.
    const next = new RollupWriter(store, Date.now() + 30_000, { memory });
    expect(await next.settle()).toEqual([]);
    expect(next.summary).toMatchObject({ carriedOver: 1, minutes: 1, hours: 1, days: 1, failedTargets: 0 });
    expect((await allLevels(store, key)).day).toEqual([{ at: base, samples: 2, gaps: 0, sum: 7, min: 3, max: 4, maxAt: base + 10_000, last: 4 }]);
    expect(memory.unwritten.size).toBe(0);
  });

  test('a bucket whose inputs change on every read is given up on after 8 writes, reported and kept for the next run', async () => {
    const store = localStore();
    const key = newKey();
    await store.putSamples([sample(key, base, 1)], Date.now() + 10_000);
    // Every read of the minute's ticks sees one more tick than the last: another writer that never stops.
    let reads = 0;
    const restless: SnapshotStore = Object.create(store, {
      queryRange: {
        value: async (...args: Parameters<SnapshotStore['queryRange']>) => {
          const page = await store.queryRange(...args);
          reads += 1;
          return { ...page, records: [...page.records, ...Array.from({ length: reads }, (_, n) => sample(key, base + 1000 + n, 2))] };
        },
      },
    });
    const memory = emptyRollupMemory();
    const writer = new RollupWriter(restless, Date.now() + 30_000, { memory });
    writer.touched([sample(key, base, 1)]);
    const failures = await writer.settle();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/kept changing/);
    expect(writer.summary).toMatchObject({ minutes: 1, writes: 8, hours: 0, days: 0, failedTargets: 1 });
    expect([...(memory.unwritten.get(key) ?? [])]).toEqual([base]);
  });
});
