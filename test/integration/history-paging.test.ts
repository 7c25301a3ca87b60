import { type HistoryPage, readHistory } from '#lib/snapshots/history.ts';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { localStore, storeTicks, useLocalAws } from '#test/support/snapshots.ts';

// Paging a range the snapshot run is still writing into, against dynalite.

beforeAll(() => {
  useLocalAws();
});

test('points written into the range after the first page are still paged to, and the last page says so', async () => {
  const store = localStore();
  const key = targetKey({ kind: 'group', groupId: `@TGS#aPAGING${Date.now()}` });
  const sample = (at: number): SnapshotRecord => ({ key, at, values: { onlineCount: at / 1000 } });
  const range = { key, from: 0, to: 10_000, limit: 2, step: 'raw' as const };
  await storeTicks(store, [1000, 2000, 3000].map(sample));

  const ticksOf = (page: HistoryPage) => (page.step === 'raw' ? page.records.map((record) => record.at) : []);
  const first = await readHistory(store, range);
  expect(ticksOf(first)).toEqual([1000, 2000]);
  expect(first.stats.samples).toBe(3);

  // The run writes two more ticks of the range before the caller asks for the next page.
  await storeTicks(store, [4000, 5000].map(sample));
  const second = await readHistory(store, { ...range, cursor: first.next ?? undefined });
  expect(ticksOf(second)).toEqual([3000, 4000]);
  expect(second.next).not.toBeNull();
  const third = await readHistory(store, { ...range, cursor: second.next ?? undefined });
  expect(ticksOf(third)).toEqual([5000]);
  expect(third.next).toBeNull();
});
