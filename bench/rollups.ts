import { Deadline } from '#lib/deadline.ts';
import { inPool } from '#lib/pool.ts';
import { aggregateRecords, toStats } from '#lib/snapshots/aggregate.ts';
import type { RequestedStep } from '#lib/snapshots/history.ts';
import { readHistory } from '#lib/snapshots/history.ts';
import { groupPoint } from '#lib/snapshots/history-points.ts';
import { historyAnswer } from '#lib/snapshots/read-history.ts';
import { DAY_MS, floorTo, MINUTE_MS, readAllRecords, rollupsOfRecords } from '#lib/snapshots/rollups.ts';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { ensureTable } from '#local/dynamodb.ts';
import { countingClient, since, snapshot } from './dynamo-counts.ts';
import { percentile, progress } from './support.ts';

// History at any range: a month of 10 s ticks of one group (267,840 items) and its rollups in the
// bench's dynalite, then 31-day history requests as the history functions make them
// (historyAnswer: stats, a page of points, the cursor), counting the items each reads.

const TABLE = 'livegate-bench-rollups';
const TICK_MS = 10_000;
export const MONTH_TICKS = (31 * DAY_MS) / TICK_MS;

export interface HistoryRow {
  request: string;
  step: string;
  points: number;
  pages: number;
  itemsRead: number;
  queries: number;
  runs: number;
  p50Ms: number;
  p90Ms: number;
}

export interface MonthOfHistory {
  ticks: number;
  rollups: { minute: number; hour: number; day: number };
  seedMs: number;
  rows: HistoryRow[];
}

/** Deterministic counts with a daily swing, and a gap every 997 ticks. */
const monthOfTicks = (key: string, start: number): SnapshotRecord[] =>
  Array.from({ length: MONTH_TICKS }, (_, index) => {
    const at = start + index * TICK_MS;
    if (index % 997 === 996) return { key, at, gap: 'upstream-timeout' };
    return { key, at, values: { onlineCount: Math.round(1000 + 600 * Math.sin((2 * Math.PI * index) / 8640) + ((index * 7919) % 101)) } };
  });

export const monthOfHistory = async (dynamoUrl: string): Promise<MonthOfHistory> => {
  await ensureTable(dynamoUrl, 'snapshot', TABLE, process.cwd());
  const table = countingClient(dynamoUrl);
  const store = new DynamoSnapshotStore({ tableName: TABLE, retentionDays: 31, rollupRetentionDays: 400, client: table.client });
  const key = targetKey({ kind: 'group', groupId: `@TGS#aBENCHMONTH${Date.now()}` });
  // The month up to the current minute: the request below is "the last 31 days".
  const end = floorTo(Date.now(), MINUTE_MS);
  const start = end - 31 * DAY_MS;
  const records = monthOfTicks(key, start);
  // The same aggregation the run uses, all at once; written in batches as the run writes.
  const rollups = rollupsOfRecords(key, records);
  progress(`seeding ${records.length} ticks and ${rollups.length} rollups of one group ...`);
  const seedStarted = performance.now();
  const giveUpAt = Date.now() + 10 * 60_000;
  const chunks = <T>(items: T[], size: number): T[][] =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, n) => items.slice(n * size, n * size + size));
  await inPool(
    chunks(
      records.filter((record) => record.values),
      2500,
    ).map((chunk) => () => store.putSamples(chunk, giveUpAt)),
    8,
  );
  await store.putGapsIfAbsent(
    records.filter((record) => record.gap),
    giveUpAt,
  );
  await inPool(
    chunks(rollups, 2500).map((chunk) => () => store.putRollups(chunk, giveUpAt)),
    8,
  );
  const seedMs = performance.now() - seedStarted;

  // The last 31 days from a moment that is on no boundary, up to now.
  const to = Date.now();
  const from = to - 31 * DAY_MS;
  const rows: HistoryRow[] = [];
  const measure = async (request: string, runs: number, call: () => Promise<{ step: string; points: number; pages: number }>) => {
    const times: number[] = [];
    let last: { step: string; points: number; pages: number; counts: ReturnType<typeof since> } | undefined;
    await call(); // warm: the first Query opens the connection
    for (let run = 0; run < runs; run += 1) {
      const before = snapshot(table.counts);
      const started = performance.now();
      const answer = await call();
      times.push(performance.now() - started);
      last = { ...answer, counts: since(before, table.counts) };
    }
    if (!last) throw new Error('no run');
    progress(`  ${request}: ${last.counts.itemsRead} items read, p50 ${percentile(times, 50).toFixed(1)} ms`);
    rows.push({
      request,
      step: last.step,
      points: last.points,
      pages: last.pages,
      itemsRead: last.counts.itemsRead,
      queries: last.counts.requests.Query ?? 0,
      runs,
      p50Ms: percentile(times, 50),
      p90Ms: percentile(times, 90),
    });
  };
  const page =
    (step: RequestedStep, limit = 1000) =>
    async () => {
      const answer = await historyAnswer(store, { key, from, to, limit, step }, groupPoint, Deadline.after(120_000));
      return { step: answer.step, points: answer.points.length, pages: 1 };
    };
  await measure('31 days, step=1h', 30, page('1h'));
  await measure('31 days, step=auto (limit 1000)', 30, page('auto'));
  await measure('31 days, step=1d', 30, page('1d'));
  await measure('31 days, step=raw: the first page (limit 1000)', 30, page('raw'));
  await measure('31 days, step=raw: every page (limit 10000)', 3, async () => {
    let points = 0;
    let pages = 0;
    let cursor: Parameters<typeof readHistory>[1]['cursor'];
    do {
      const answer = await readHistory(store, { key, from, to, limit: 10_000, step: 'raw', ...(cursor ? { cursor } : {}) });
      points += answer.step === 'raw' ? answer.records.length : 0;
      pages += 1;
      cursor = answer.next ?? undefined;
    } while (cursor);
    return { step: 'raw', points, pages };
  });
  await measure('before rollups: the stats of a first page from every tick', 3, async () => {
    toStats(aggregateRecords(await readAllRecords(store, key, from, to)));
    return { step: 'raw', points: 0, pages: 1 };
  });
  return {
    ticks: records.length,
    rollups: {
      minute: rollups.filter((rollup) => rollup.level === 'minute').length,
      hour: rollups.filter((rollup) => rollup.level === 'hour').length,
      day: rollups.filter((rollup) => rollup.level === 'day').length,
    },
    seedMs,
    rows,
  };
};
