import path from 'node:path';
import type { SnapshotRecord } from '#lib/snapshots/store.ts';
import { DynamoSnapshotStore } from '#lib/snapshots/store-dynamodb.ts';
import { targetKey } from '#lib/snapshots/targets.ts';
import { DEMO_GROUPS, DEMO_ROOMS, seedDemoData } from '#local/demo.ts';
import { startStack } from '#local/stack.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { launchBrowser } from '#support/headless-browser.ts';
import { localAwsEnvironment } from '#support/local-aws.ts';
import { freeApiPort } from '#support/ports.ts';
import { atNextWindow } from '#support/snapshot-window.ts';

// npm run dashboard:screenshot [-- out.png]: docs/dashboard.png, the dashboard over the demo data.
// It starts the local stack (its own ports, DynamoDB in memory), seeds the demo rooms as
// `npm start` does, writes a day of made-up raw samples for them straight into the snapshot
// table (one demo group has an outage: a stretch of gaps, and a stretch with nothing stored),
// runs the snapshot function once for the newest tick and the tracking sources, then opens the
// page in headless Chromium, picks the busiest demo group and its 24 h range, and saves a PNG.
// The history before that last run is invented for the picture: rollups, where an API has
// them, are not written by this script.

const out = path.resolve(process.argv[2] ?? 'docs/dashboard.png');
const TICK_MS = 10_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A small deterministic generator, so each run draws the same picture. */
const random = (() => {
  let seed = 20_261_121;
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
})();

/** A day with a peak four hours ago and a trough in the small hours, ending at `level` now, with a little noise. */
const shape = (hoursAgo: number): number => Math.exp(-(((hoursAgo - 4) / 3) ** 2)) * 0.55 - Math.exp(-(((hoursAgo - 14) / 4) ** 2)) * 0.45;
const dailyCurve = (level: number, hoursAgo: number, at: number): number => {
  const wobble = Math.sin(at / 900_000) * 0.04 + (random() - 0.5) * 0.03;
  return Math.max(0, Math.round(level * (1 + shape(hoursAgo) - shape(0) + wobble * Math.min(1, hoursAgo * 4))));
};

const apiPort = await freeApiPort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const stack = await startStack({
  apiPort,
  emulatorPort: 0,
  dynamoPort: 0,
  offlineOutput: path.resolve('.local-data', 'screenshot-offline.log'),
  params: {
    snapshotScheduleEnabled: 'false',
    snapshotWindowSeconds: '10',
    snapshotRoomIds: Object.values(DEMO_ROOMS).join(','),
  },
  emulatorCallbacks: { tencentUrl: `${apiUrl}/v1/callbacks/tencent`, volcUrl: `${apiUrl}/v1/callbacks/volcengine` },
});
try {
  const appId = stack.emulator.credentials().volc.rtcAppId;
  await seedDemoData(stack.emulator.url, appId);

  Object.assign(process.env, localAwsEnvironment(stack.emulator.url, stack.dynamo.endpoint));
  const store = new DynamoSnapshotStore({ tableName: stack.tableName, retentionDays: 30 });
  const windowStart = Math.ceil(Date.now() / TICK_MS) * TICK_MS + TICK_MS;
  const lastTick = windowStart - TICK_MS;
  // Each made-up history ends at the count the emulator has now, held still for the picture, so the
  // real sample continues it. Rooms fill up by steps: a few users, then more.
  const emulator = emulatorClient(stack.emulator.url);
  const steadyGroup = async (groupId: string): Promise<number> => {
    const { onlineCount, memberCount } = await emulator.getGroup(groupId);
    await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount, memberCount });
    return onlineCount;
  };
  const curve = (level: number) => (hoursAgo: number, at: number) => dailyCurve(level, hoursAgo, at);
  const filling = (steps: Array<[number, number]>) => (hoursAgo: number) => steps.find(([before]) => hoursAgo >= before)?.[1] ?? 0;
  const history: Array<{ key: string; span: number; field: 'onlineCount' | 'totalUsers'; value: (hoursAgo: number, at: number) => number; outage?: boolean }> =
    [
      {
        key: targetKey({ kind: 'group', groupId: DEMO_GROUPS.live }),
        span: DAY_MS,
        field: 'onlineCount',
        value: curve(await steadyGroup(DEMO_GROUPS.live)),
        outage: true,
      },
      {
        key: targetKey({ kind: 'group', groupId: DEMO_GROUPS.smallLive }),
        span: HOUR_MS,
        field: 'onlineCount',
        value: curve(await steadyGroup(DEMO_GROUPS.smallLive)),
      },
      {
        key: targetKey({ kind: 'group', groupId: DEMO_GROUPS.bigLive }),
        span: HOUR_MS,
        field: 'onlineCount',
        value: curve(await steadyGroup(DEMO_GROUPS.bigLive)),
      },
      {
        key: targetKey({ kind: 'room', appId, roomId: DEMO_ROOMS.main }),
        span: HOUR_MS,
        field: 'totalUsers',
        value: filling([
          [0.7, 2],
          [0.45, 3],
          [0.2, 5],
          [0, 6],
        ]),
      },
      {
        key: targetKey({ kind: 'room', appId, roomId: DEMO_ROOMS.quiet }),
        span: HOUR_MS,
        field: 'totalUsers',
        value: filling([
          [0.3, 2],
          [0, 1],
        ]),
      },
    ];
  for (const target of history) {
    const samples: SnapshotRecord[] = [];
    const gaps: SnapshotRecord[] = [];
    for (let at = lastTick - target.span + TICK_MS; at <= lastTick; at += TICK_MS) {
      const hoursAgo = (lastTick - at) / HOUR_MS;
      if (target.outage && hoursAgo > 8 && hoursAgo <= 8.6) {
        gaps.push({ key: target.key, at, gap: 'upstream-timeout' });
        continue;
      }
      if (target.outage && hoursAgo > 15 && hoursAgo <= 15.5) continue; // nothing stored: the snapshots were not running
      const value = target.value(hoursAgo, at);
      const values = target.field === 'onlineCount' ? { onlineCount: value } : { totalUsers: value, totalInvisibleUsers: Math.floor(value / 2) };
      samples.push({ key: target.key, at, values });
    }
    for (let i = 0; i < samples.length; i += 500) await store.putSamples(samples.slice(i, i + 500), Date.now() + 120_000);
    if (gaps.length > 0) await store.putGapsIfAbsent(gaps, Date.now() + 60_000);
  }

  // One real run: the newest tick, and the discovery and configuration sources in the registry.
  await atNextWindow(10);
  const run = await fetch(`http://127.0.0.1:${apiPort + 2}/2015-03-31/functions/livegate-local-snapshot/invocations`, {
    method: 'POST',
    body: JSON.stringify({ shard: 0, shards: 1 }),
  });
  if (!run.ok) throw new Error(`the snapshot run failed: ${run.status} ${await run.text()}`);

  const browser = await launchBrowser({ width: 1280, height: 640 });
  try {
    const page = await browser.newPage();
    await page.goto(`${apiUrl}/`, { waitUntil: 'load' });
    const row = `#targets tr[data-key="group:${DEMO_GROUPS.live}"]`;
    await page.waitForSelector(row);
    await page.waitForFunction("document.querySelectorAll('.spark canvas').length === document.querySelectorAll('#targets tbody tr').length");
    await page.click(row);
    await page.waitForFunction('window.livegateDashboard.chartLoads > 0');
    const loads = (await page.evaluate('window.livegateDashboard.chartLoads')) as number;
    await page.click('#ranges button[data-range="24h"]');
    await page.waitForFunction(`window.livegateDashboard.chartLoads > ${loads}`);
    // The cursor on the evening peak, so the legend shows a value.
    const plot = await page.$('#chart .u-over');
    const box = await plot?.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.82, box.y + box.height * 0.5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.screenshot({ path: out as `${string}.png` });
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
  }
} finally {
  await stack.stop();
}
