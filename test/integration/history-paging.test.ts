import { readHistory } from '#lib/snapshots/history.ts';
import { groupValue } from '#lib/snapshots/history-points.ts';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { localStore, useLocalAws } from '#test/support/snapshots.ts';

// Paging a range the snapshot run is still writing into, against dynalite.

beforeAll(() => {
  useLocalAws();
});

test('points written into the range after the first page are still paged to, and the last page says so', async () => {
  const store = localStore();
  const key = targetKey({ kind: 'group', groupId: `@TGS#aPAGING${Date.now()}` });
  const sample = (at: number): SnapshotRecord => ({ key, at, values: { onlineCount: at / 1000 } });
  const range = { key, from: 0, to: 10_000, limit: 2 };
  await store.putSamples([1000, 2000, 3000].map(sample), Date.now() + 5000);

  const first = await readHistory(store, range, groupValue);
  expect(first.records.map((record) => record.at)).toEqual([1000, 2000]);
  expect(first.stats.samples).toBe(3);

  // The run writes two more ticks of the range before the caller asks for the next page.
  await store.putSamples([4000, 5000].map(sample), Date.now() + 5000);
  const second = await readHistory(store, { ...range, cursor: first.next ?? undefined }, groupValue);
  expect(second.records.map((record) => record.at)).toEqual([3000, 4000]);
  expect(second.next).not.toBeNull();
  const third = await readHistory(store, { ...range, cursor: second.next ?? undefined }, groupValue);
  expect(third.records.map((record) => record.at)).toEqual([5000]);
  expect(third.next).toBeNull();
});
