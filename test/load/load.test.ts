import { readFileSync } from 'node:fs';
import { DEFAULT_CREDENTIALS } from '../../emulator/credentials.ts';
import { callApi, emulator, emulatorUrl, groupPath } from '../support/http.ts';

// A bounded load on the local stack: 50 clients for 20 s, each pacing itself, over every read
// endpoint. It must end with zero errors, no memory growth in the process that runs the
// functions, and the upstream limits kept.
//
// serverless-offline, like Lambda, runs one instance (a worker thread) per concurrent request of
// a function, so its memory grows with concurrency, not with requests. Each client therefore
// keeps to one endpoint (steady concurrency per function), and a warm-up phase with the same
// pattern brings every pool to its size before memory is measured.

const CLIENTS = 50;
const DURATION_MS = 20_000;
const PER_CLIENT_INTERVAL_MS = 400; // 50 clients x 2.5/s = 125 requests/s in all

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

test('50 clients for 20 s: zero errors, flat memory, upstream limits kept', async () => {
  await fetch(`${emulatorUrl()}/_emulator/reset`, { method: 'POST' });
  const groups = ['@TGS#aLOAD1', '@TGS#aLOAD2', '@TGS#aLOAD3'];
  for (const groupId of groups) await emulator.putGroup(groupId, { type: 'AVChatRoom', onlineCount: 500, memberCount: 200 });
  await emulator.putRoom(DEFAULT_CREDENTIALS.volc.rtcAppId, 'load-room', { visibleUsers: ['a', 'b'], invisibleUsers: ['c'] });
  const requests = [
    ...groups.map((id) => groupPath(id, 'online-count')),
    ...groups.map((id) => `${groupPath(id, 'members')}?limit=20&fields=role,joinTime`),
    '/v1/rooms/load-room/online-users',
    `${groupPath(groups[0] as string, 'online-count/history')}`,
  ];
  const failures: string[] = [];
  let completed = 0;
  const load = (durationMs: number) => {
    const endAt = Date.now() + durationMs;
    return Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
      const path = requests[client % requests.length] as string;
      while (Date.now() < endAt) {
        const started = Date.now();
        const answer = await callApi(path);
        completed += 1;
        if (answer.status !== 200) failures.push(`${answer.status} ${path} ${answer.text.slice(0, 200)}`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, PER_CLIENT_INTERVAL_MS - (Date.now() - started))));
      }
    }));
  };
  await load(10_000); // warm-up: cold starts and pool growth are not what this measures
  // A worker left warm by an earlier test may still hold a UserSig signed with a key that test
  // rotated; its first call is rejected once and recovers by re-reading the secret, as designed.
  // So rejections are counted from here, after every worker has made its first call.
  const rejectedBefore = (await emulator.stats()).apis;

  const pid = Number(process.env.LIVEGATE_OFFLINE_PID);
  const memory: number[] = [];
  const sampler = setInterval(() => memory.push(rssMb(pid)), 1000);
  completed = 0;
  await load(DURATION_MS);
  clearInterval(sampler);

  expect(failures).toEqual([]);
  // Throughput is a benchmark's business (npm run bench), not a test's; this only rules out a run
  // that did next to nothing.
  expect(completed).toBeGreaterThan(CLIENTS * 2);
  // Memory: the last third of the run against the first third after warm-up. With a thousand
  // or more requests in between, a leak of 100 KB a request or more fails this.
  const third = Math.floor(memory.length / 3);
  const early = median(memory.slice(1, third + 1));
  const late = median(memory.slice(-third));
  expect({ early: Math.round(early), growthMb: Math.round(late - early) }).toEqual({ early: Math.round(early), growthMb: expect.any(Number) });
  expect(late - early).toBeLessThan(100);
  const { apis } = await emulator.stats();
  for (const [api, stats] of Object.entries(apis)) {
    const limit = api === 'GetRoomOnlineUsers' ? 40 : api === 'GetSecretValue' ? Number.POSITIVE_INFINITY : 200;
    const before = rejectedBefore[api]?.rejected ?? {};
    const rejectedDuringRun = Object.fromEntries(
      Object.entries(stats.rejected)
        .map(([code, count]) => [code, count - (before[code] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
    expect({ api, peak: stats.peakPerSecond <= limit, rejectedDuringRun }).toEqual({ api, peak: true, rejectedDuringRun: {} });
  }
  process.stdout.write(`load: ${completed} requests in ${DURATION_MS / 1000} s, offline RSS ${early.toFixed(0)} -> ${late.toFixed(0)} MB\n`);
}, 120_000);
