import fc from 'fast-check';
import { aggregateRecords, combineAll, emptyAggregate, toStats } from '#lib/snapshots/aggregate.ts';
import { bucketCount, chooseStep, settledBefore, tileRange } from '#lib/snapshots/history.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '#lib/snapshots/rollups.ts';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';

// The pure parts of rollups and stepped history: how ticks add up, how a range is tiled, what auto picks.

const tick = (at: number, value: number | null): SnapshotRecord =>
  value === null ? { key: 'G#g', at, gap: 'upstream-timeout' } : { key: 'G#g', at, values: { onlineCount: value } };

describe('aggregates', () => {
  test('any cut of the ticks, combined in time order, is one pass over them: the earliest tick keeps a tied peak', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (values, cuts) => {
          const records = values.map((value, index) => tick(index * 10_000, value));
          const points = [...new Set(cuts.map((cut) => cut % (records.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points, records.length].slice(1).map((end, index, ends) => records.slice(index === 0 ? 0 : (ends[index - 1] as number), end));
          expect(combineAll(pieces.map((piece) => aggregateRecords(piece)))).toEqual(aggregateRecords(records));
        },
      ),
    );
  });

  test('stats: the earliest tick of the peak, avg to 2 decimals, nulls without samples', () => {
    expect(toStats(aggregateRecords([tick(0, 3), tick(10_000, 7), tick(20_000, null), tick(30_000, 7), tick(40_000, 1)]))).toEqual({
      samples: 4,
      gaps: 1,
      peak: 7,
      peakAt: '1970-01-01T00:00:10.000Z',
      min: 1,
      avg: 4.5,
    });
    expect(toStats(aggregateRecords([tick(0, null)]))).toEqual({ samples: 0, gaps: 1, peak: null, peakAt: null, min: null, avg: null });
    expect(aggregateRecords([])).toEqual(emptyAggregate());
  });
});

describe('tiling a range', () => {
  const unitOf = { raw: 1, minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

  test('covers [from, end) exactly, oldest first, each rollup whole and settled, in at most 8 pieces', () => {
    fc.assert(
      fc.property(fc.nat({ max: 90 * DAY_MS }), fc.nat({ max: 40 * DAY_MS }), fc.nat({ max: 100 * DAY_MS }), (from, length, settledAt) => {
        const end = from + length;
        const settled = Math.floor(settledAt / MINUTE_MS) * MINUTE_MS;
        const segments = tileRange(from, end, settled);
        if (length === 0) {
          expect(segments).toEqual([]);
          return;
        }
        expect(segments[0]?.from).toBe(from);
        expect(segments.at(-1)?.to).toBe(end);
        for (const [index, segment] of segments.entries()) {
          expect(segment.from).toBeLessThan(segment.to);
          if (index > 0) expect(segment.from).toBe(segments[index - 1]?.to);
          if (segment.source !== 'raw') {
            expect(segment.from % unitOf[segment.source]).toBe(0);
            expect(segment.to % unitOf[segment.source]).toBe(0);
            expect(segment.to).toBeLessThanOrEqual(settled);
          }
        }
        expect(segments.length).toBeLessThanOrEqual(8);
      }),
    );
  });

  test('a month on no boundary: days inside, hours and minutes at the edges, ticks at the very ends', () => {
    const from = Date.UTC(2026, 9, 22, 10, 17, 35);
    const to = Date.UTC(2026, 10, 22, 10, 17, 34);
    expect(tileRange(from, to + 1, settledBefore(Date.UTC(2026, 10, 23))).map((segment) => segment.source)).toEqual([
      'raw',
      'minute',
      'hour',
      'day',
      'hour',
      'minute',
      'raw',
    ]);
    // The newest minutes are read from their ticks.
    const now = Date.UTC(2026, 10, 22, 10, 17, 40);
    expect(tileRange(from, to + 1, settledBefore(now)).at(-1)).toEqual({ source: 'raw', from: Date.UTC(2026, 10, 22, 10, 15), to: to + 1 });
  });
});

describe('auto', () => {
  const from = Date.UTC(2026, 9, 22, 10, 17, 35);
  test.each([
    ['12 ticks at limit 1000', 0, 110_000, 1000, 12, 'raw'],
    ['12 ticks over 3 minutes at limit 3', 0, 110_000, 3, 12, '1m'],
    ['12 ticks over 3 minutes at limit 2', 0, 110_000, 2, 12, '5m'],
    ['a day of ticks at limit 1000', 0, DAY_MS - 1, 1000, 8640, '5m'],
    ['31 days at limit 1000', 0, 31 * DAY_MS, 1000, 267_840, '1h'],
    ['31 days of few ticks', 0, 31 * DAY_MS, 1000, 14, 'raw'],
    ['32 days of few ticks: never raw', 0, 32 * DAY_MS, 1000, 14, '1h'],
    ['400 days at limit 1000', 0, 400 * DAY_MS, 1000, 0, '1d'],
    ['400 days at limit 10: 1d, paged', 0, 400 * DAY_MS, 10, 0, '1d'],
  ])('%s', (_name, start, length, limit, ticks, step) => {
    expect(chooseStep(from + start, from + start + length, limit, ticks)).toBe(step);
  });

  test('buckets are counted from the boundaries the range meets', () => {
    expect(bucketCount(Date.UTC(2026, 0, 1, 0, 0, 0), Date.UTC(2026, 0, 1, 0, 59, 59, 999), '1m')).toBe(60);
    expect(bucketCount(Date.UTC(2026, 0, 1, 0, 0, 30), Date.UTC(2026, 0, 1, 1, 0, 0), '1m')).toBe(61);
    expect(bucketCount(from, from + 31 * DAY_MS, '1h')).toBe(745);
  });
});
