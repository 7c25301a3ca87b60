import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { type HistoryCursor, type HistoryPage, type RequestedStep, readHistory } from '#lib/snapshots/history.ts';
import { RollupWriter } from '#lib/snapshots/rollup-writer.ts';
import { readAllRecords } from '#lib/snapshots/rollups.ts';
import type { SnapshotRecord, SnapshotStore } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { localStore, useLocalAws } from '#test/support/snapshots.ts';

// Property: whatever the ticks (samples, gaps, nothing stored), the range and the step, the stats
// and points a history answers from its rollups are exactly what the raw ticks give, computed
// here the plain way. Each dataset is a few hours of 10 s ticks written through the store, with
// its rollups written by the run's own rollup writer as runs would have left them at `now`: the
// minutes too young to be rolled up for good have stale rollups, which must not be used.

beforeAll(() => {
  useLocalAws();
});

const TICK_MS = 10_000;
const MINUTE = 60_000;
const STEP_SIZE: Record<string, number> = { '1m': MINUTE, '5m': 5 * MINUTE, '1h': 3_600_000, '1d': 86_400_000 };
const FINER_FIRST = ['1m', '5m', '1h', '1d'];

// ---- the oracle: one plain pass over the raw ticks -------------------------------------------

const countOf = (record: SnapshotRecord): number | undefined =>
  record.gap === undefined ? (record.values as { onlineCount: number } | undefined)?.onlineCount : undefined;
const round2 = (value: number) => Math.round(value * 100) / 100;

const plainSummary = (records: SnapshotRecord[]) => {
  const values = records.map(countOf).filter((value): value is number => value !== undefined);
  const peak = values.length === 0 ? null : Math.max(...values);
  return {
    samples: values.length,
    gaps: records.length - values.length,
    peak,
    // The earliest tick holding the peak.
    peakAt: peak === null ? null : new Date((records.find((record) => countOf(record) === peak) as SnapshotRecord).at).toISOString(),
    min: values.length === 0 ? null : Math.min(...values),
    avg: values.length === 0 ? null : round2(values.reduce((a, b) => a + b, 0) / values.length),
    last: values.length === 0 ? null : (values[values.length - 1] as number),
  };
};

const plainStats = (records: SnapshotRecord[]) => {
  const { last: _last, ...stats } = plainSummary(records);
  return stats;
};

const plainBuckets = (records: SnapshotRecord[], from: number, size: number) => {
  const buckets = new Map<number, SnapshotRecord[]>();
  for (const record of records) {
    const start = Math.floor(record.at / size) * size;
    buckets.set(start, [...(buckets.get(start) ?? []), record]);
  }
  return [...buckets.entries()].map(([start, inBucket]) => {
    const { samples, gaps, peak, min, avg, last } = plainSummary(inBucket);
    return { at: new Date(Math.max(start, from)).toISOString(), samples, gaps, min, max: peak, avg, last };
  });
};

const plainStep = (step: RequestedStep, from: number, to: number, limit: number, ticks: number): string => {
  if (step !== 'auto') return step;
  if (to - from <= 31 * 86_400_000 && ticks <= limit) return 'raw';
  return FINER_FIRST.find((name) => Math.floor(to / (STEP_SIZE[name] as number)) - Math.floor(from / (STEP_SIZE[name] as number)) + 1 <= limit) ?? '1d';
};

// ---- what the history answers, every page ---------------------------------------------------

const pointsOf = (page: HistoryPage): unknown[] =>
  page.step === 'raw'
    ? page.records.map((record) => ({ at: new Date(record.at).toISOString(), gap: record.gap ?? null, value: countOf(record) ?? null }))
    : page.buckets.map(({ at, aggregate }) => ({
        at: new Date(at).toISOString(),
        samples: aggregate.samples,
        gaps: aggregate.gaps,
        min: aggregate.min,
        max: aggregate.max,
        avg: aggregate.samples === 0 ? null : round2(aggregate.sum / aggregate.samples),
        last: aggregate.last,
      }));

const readAllPages = async (store: SnapshotStore, query: { key: string; from: number; to: number; limit: number; step: RequestedStep; now: number }) => {
  const pages: HistoryPage[] = [];
  let cursor: HistoryCursor | undefined;
  do {
    const page = await readHistory(store, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.next ?? undefined;
    if (pages.length > 200) throw new Error('too many pages');
  } while (cursor);
  return pages;
};

// ---- data -----------------------------------------------------------------------------------

/** Runs of ticks: samples cycling through a few small values (ties for the peak are common), gaps, or nothing stored. */
const runsArbitrary = fc.array(
  fc.record({
    kind: fc.constantFrom('sample', 'sample', 'sample', 'gap', 'none'),
    ticks: fc.integer({ min: 1, max: 300 }),
    values: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 10 },
);

/** A time between min and max (ms): any millisecond, or one on a tick, minute or hour (range ends that land on a tick matter). */
const instant = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }),
    ...[TICK_MS, MINUTE, 3_600_000].map((unit) => fc.integer({ min: Math.ceil(min / unit), max: Math.floor(max / unit) }).map((n) => n * unit)),
  );

const datasetArbitrary = fc.record({
  // Ticks start up to 3 hours before a midnight, so ranges cross hours and days.
  startTicksBeforeMidnight: fc.integer({ min: 0, max: 1080 }),
  runs: runsArbitrary,
  // Where `now` is: past everything (all settled), or inside the ticks (the newest minutes unsettled).
  nowAtTick: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
  queries: fc.array(
    fc.record({
      // Most ranges anywhere around the ticks; some start just before `now`, where rollups are young.
      fromOffset: instant(-4 * 3_600_000, 6 * 3_600_000),
      nearNow: fc.option(instant(-15 * MINUTE, 0), { nil: undefined, freq: 3 }),
      length: fc.oneof(instant(0, 120_000), instant(0, 7 * 3_600_000)),
      step: fc.constantFrom<RequestedStep>('raw', '1m', '5m', '1h', '1d', 'auto'),
      limit: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(1000)),
    }),
    { minLength: 6, maxLength: 14 },
  ),
});

const MIDNIGHT = Date.UTC(2026, 2, 2);

test('stats and stepped points from rollups equal those computed from the raw ticks, for any ticks, range and step', async () => {
  const store = localStore();
  let datasets = 0;
  await fc.assert(
    fc.asyncProperty(datasetArbitrary, async ({ startTicksBeforeMidnight, runs, nowAtTick, queries }) => {
      datasets += 1;
      const key = targetKey({ kind: 'group', groupId: `@TGS#aPROP${randomUUID().slice(0, 12)}` });
      const start = MIDNIGHT - startTicksBeforeMidnight * TICK_MS;
      const records: SnapshotRecord[] = [];
      let at = start;
      for (const run of runs) {
        for (let index = 0; index < run.ticks; index += 1, at += TICK_MS) {
          if (run.kind === 'sample') records.push({ key, at, values: { onlineCount: run.values[index % run.values.length] as number } });
          else if (run.kind === 'gap') records.push({ key, at, gap: 'upstream-timeout' });
        }
      }
      const end = at;
      const now = nowAtTick === undefined ? end + 86_400_000 : start + nowAtTick * TICK_MS;
      const giveUpAt = Date.now() + 60_000;
      const write = async (ticks: SnapshotRecord[], rollUp: boolean) => {
        await store.putSamples(
          ticks.filter((record) => record.values),
          giveUpAt,
        );
        await store.putGapsIfAbsent(
          ticks.filter((record) => record.gap),
          giveUpAt,
        );
        if (!rollUp) return;
        const rollups = new RollupWriter(store, giveUpAt);
        rollups.touched(ticks);
        expect(await rollups.settle()).toEqual([]);
      };
      // Rollups as the runs would have left them at `now`: a minute's run writes its rollups within
      // 31 s of the minute's end. Younger minutes hold only their first tick's rollups (stale).
      const rolledUp = (record: SnapshotRecord) => Math.floor(record.at / MINUTE) * MINUTE + MINUTE + 31_000 <= now;
      const firstOfMinute = (record: SnapshotRecord, index: number, all: SnapshotRecord[]) =>
        index === 0 || Math.floor((all[index - 1] as SnapshotRecord).at / MINUTE) !== Math.floor(record.at / MINUTE);
      const young = records.filter((record) => !rolledUp(record));
      await write(
        records.filter((record) => rolledUp(record)),
        true,
      );
      await write(young.filter(firstOfMinute), true);
      await write(
        young.filter((record, index, all) => !firstOfMinute(record, index, all)),
        false,
      );
      // The oracle reads the ticks back, as stored.
      const stored = await readAllRecords(store, key, 0, Number.MAX_SAFE_INTEGER);
      expect(stored).toHaveLength(records.length);

      for (const query of queries) {
        const from = query.nearNow === undefined ? MIDNIGHT + query.fromOffset : Math.floor(now / MINUTE) * MINUTE + query.nearNow;
        const to = from + query.length;
        const inRange = stored.filter((record) => record.at >= from && record.at <= to);
        const step = plainStep(query.step, from, to, query.limit, inRange.length);
        const expectedPoints =
          step === 'raw'
            ? inRange.map((record) => ({ at: new Date(record.at).toISOString(), gap: record.gap ?? null, value: countOf(record) ?? null }))
            : plainBuckets(inRange, from, STEP_SIZE[step] as number);
        // Enough points a page that a query takes at most ~25 pages, whatever its limit.
        const limit = query.step === 'auto' ? query.limit : Math.max(query.limit, Math.ceil(expectedPoints.length / 25));
        const pages = await readAllPages(store, { key, from, to, limit, step: query.step, now });
        const context = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: query.step, limit, now: new Date(now).toISOString() };
        expect({ ...context, steps: [...new Set(pages.map((page) => page.step))] }).toEqual({ ...context, steps: [step] });
        for (const page of pages) expect({ ...context, stats: page.stats }).toEqual({ ...context, stats: plainStats(inRange) });
        expect({ ...context, points: pages.flatMap(pointsOf) }).toEqual({ ...context, points: expectedPoints });
        for (const page of pages.slice(0, -1)) expect(pointsOf(page)).toHaveLength(limit);
      }
    }),
    { numRuns: Number(process.env.HISTORY_PROPERTY_RUNS ?? 10), endOnFailure: true },
  );
  expect(datasets).toBeGreaterThan(0);
}, 180_000);

test('the newest minutes are read from their ticks while their rollups may still change', async () => {
  const store = localStore();
  const key = targetKey({ kind: 'group', groupId: `@TGS#aYOUNG${randomUUID().slice(0, 12)}` });
  const start = MIDNIGHT + 3_600_000;
  const ticks: SnapshotRecord[] = Array.from({ length: 60 }, (_, n) => ({ key, at: start + n * TICK_MS, values: { onlineCount: n } }));
  const giveUpAt = Date.now() + 30_000;
  // Ten minutes of ticks, all rolled up; then the run of the last minute rewrites its last tick
  // and has not recomputed its rollups yet (it does so when its writes are done).
  await store.putSamples(ticks, giveUpAt);
  const rollups = new RollupWriter(store, giveUpAt);
  rollups.touched(ticks);
  expect(await rollups.settle()).toEqual([]);
  await store.putSamples([{ key, at: start + 59 * TICK_MS, values: { onlineCount: 1000 } }], giveUpAt);
  // Five seconds after the last minute ended: its rollups are not final yet.
  const now = start + 10 * MINUTE + 5000;
  const page = await readHistory(store, { key, from: start, to: now, limit: 100, step: '1m', now });
  expect(page.stats).toMatchObject({ samples: 60, peak: 1000, peakAt: new Date(start + 59 * TICK_MS).toISOString() });
  expect(pointsOf(page).at(-1)).toMatchObject({ samples: 6, max: 1000, last: 1000 });
});
