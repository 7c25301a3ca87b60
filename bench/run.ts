import { mkdirSync, writeFileSync } from 'node:fs';
import { ensureTable } from '../local/dynamodb.ts';
import { DEMO_CREDENTIALS } from '../support/demo-credentials.ts';
import { emulatorClient } from '../support/emulator-client.ts';
import { httpEvent } from '../support/lambda-events.ts';
import { functionEnvironment } from '../support/local-aws.ts';
import { packageService, unpackFunctions } from '../support/package-service.ts';
import { freePort } from '../support/ports.ts';
import { coldStarts, floorBundles } from './cold-start.ts';
import { memberPull } from './members.ts';
import { startDynaliteProcess, startEmulatorProcess } from './processes.ts';
import { snapshotThroughput } from './snapshots.ts';
import { kb, machine, mb, ms, progress, table, us } from './support.ts';
import { warmOverhead } from './warm.ts';

// `npm run bench`: every figure measured side by side in one run on this machine, printed and
// written to bench/RESULTS.md. BENCH_SCALE (default 5) shortens the snapshot "minute" and
// raises the emulator ceiling by that factor; BENCH_SCALE=1 runs the full-size minute.

const scale = Number(process.env.BENCH_SCALE ?? 5);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 20);
const warmCalls = Number(process.env.BENCH_WARM_CALLS ?? 10_000);
const goal = (met: boolean) => (met ? 'met' : '**missed**');

const emulator = await startEmulatorProcess(await freePort());
const dynamo = await startDynaliteProcess(await freePort());
const out: string[] = [];
try {
  const upstreams = emulatorClient(emulator.url);
  await upstreams.setLimits({ tencentPerSecond: 1_000_000, volcPerSecond: 1_000_000 });
  const live = '@TGS#aBENCHLIVE';
  await upstreams.putGroup(live, { type: 'AVChatRoom', onlineCount: 1234, memberCount: 50 });
  await upstreams.putRoom(DEMO_CREDENTIALS.volc.rtcAppId, 'bench-room', { visibleUsers: ['a'], invisibleUsers: ['b'] });
  await ensureTable(dynamo.url, 'snapshot', 'livegate-bench-history', process.cwd());

  // 1. Cold start
  progress('packaging the functions with serverless package ...');
  const unpacked = unpackFunctions(packageService({ stage: 'bench' }));
  const floors = await floorBundles(unpacked, emulator.url);
  const env = {
    ...functionEnvironment(emulator.url, dynamo.url),
    SNAPSHOT_TABLE: 'livegate-bench-history', RTC_APP_ID: DEMO_CREDENTIALS.volc.rtcAppId, SNAPSHOT_DISCOVERY: 'off', SNAPSHOT_WINDOW_SECONDS: '1', SNAPSHOT_INTERVAL_SECONDS: '1', LOG_LEVEL: 'warn',
  };
  const group = `/v1/groups/${encodeURIComponent(live)}`;
  const cold = await coldStarts([
    { fn: 'groupOnlineCount', event: httpEvent('GET', `${group}/online-count`) },
    { fn: 'groupMembers', event: httpEvent('GET', `${group}/members`) },
    { fn: 'groupAdmins', event: httpEvent('POST', `${group}/admins`, { body: '{"action":"set","accounts":["bench"]}' }) },
    { fn: 'roomOnlineUsers', event: httpEvent('GET', '/v1/rooms/bench-room/online-users') },
    { fn: 'groupOnlineCountHistory', event: httpEvent('GET', `${group}/online-count/history`) },
    { fn: 'roomOnlineUsersHistory', event: httpEvent('GET', '/v1/rooms/bench-room/online-users/history') },
    { fn: 'notFound', event: httpEvent('GET', '/nothing') },
    { fn: 'snapshot', event: { shard: 0, shards: 1 } },
  ], unpacked, floors, env, coldRuns);
  const upstreamCallMs = cold.floorWithCallMs - cold.floorMs;
  out.push('## 1. Cold start', '',
    `A fresh Node process loads the bundle and answers one event; median of ${coldRuns} processes. Floor: a bare handler that returns a constant (${ms(cold.floorMs)}); `
    + `floor + first upstream call: a bare handler that makes one HTTP call to the emulator (${ms(cold.floorWithCallMs)}). `
    + 'Goals: every bundle under 300 KB minified; load-to-first-answer within 1.5 × floor + the first upstream call.', '',
    table(['function', 'bundle', 'under 300 KB', 'load to first answer', 'of which import', 'vs 1.5 × floor + call', 'goal'], cold.rows.map((row) => {
      const budget = 1.5 * cold.floorMs + upstreamCallMs;
      return [row.fn, kb(row.bytes), goal(row.bytes < 300 * 1024), ms(row.medianMs), ms(row.loadMs), `${(row.medianMs / budget).toFixed(2)} × (${ms(budget)})`, goal(row.medianMs <= budget)];
    })), '');

  // 2. Warm overhead
  const warm = await warmOverhead(emulator.url, live, warmCalls);
  out.push('## 2. Warm overhead', '',
    `The online-count handler invoked in-process ${warmCalls} times against the emulator, beside a direct signed call to the same emulator API (the floor), and a naive client that reads the secret and signs a new UserSig on every call (${Math.min(warmCalls, 2000)} calls). Goal: under 300 µs added at p50.`, '',
    table(['client', 'p50', 'p99', 'added at p50', 'added at p99'], [
      ['direct signed call (floor)', us(warm.floor.p50), us(warm.floor.p99), '', ''],
      ['livegate handler', us(warm.ours.p50), us(warm.ours.p99), us(warm.ours.p50 - warm.floor.p50), us(warm.ours.p99 - warm.floor.p99)],
      ['naive: secret + new UserSig per call', us(warm.naive.p50), us(warm.naive.p99), us(warm.naive.p50 - warm.floor.p50), us(warm.naive.p99 - warm.floor.p99)],
    ]), '', `Goal (added p50 < 300 µs): ${goal(warm.ours.p50 - warm.floor.p50 < 300)}; caching saves ${us(warm.naive.p50 - warm.ours.p50)} a call at p50.`, '');

  // 3. Snapshot throughput
  const minute = 60 / scale;
  const ceiling = 200 * scale;
  const a = await snapshotThroughput(emulator.url, dynamo.url, 2000, 10 / scale, minute, ceiling);
  const b = await snapshotThroughput(emulator.url, dynamo.url, 12_000, minute, minute, ceiling);
  const growth = [];
  for (const groups of [1000, 2000, 6000, 12_000]) growth.push(await snapshotThroughput(emulator.url, dynamo.url, groups, minute, minute, ceiling));
  const throughputRow = (row: typeof a) => [row.groups, `${row.intervalSeconds} s`, `${row.windowSeconds} s`, `${row.ceiling}/s`, row.samples, row.gaps,
    `${row.samplesPerSecond.toFixed(0)}/s (${((row.samplesPerSecond / row.ceiling) * 100).toFixed(1)} %)`, `${row.peakPerSecond}/s`, row.rejected, mb(row.peakRssBytes)];
  out.push('## 3. Snapshot throughput', '',
    `${scale === 1 ? 'Full size' : `Scaled by ${scale}: a ${minute} s "minute" and a ${ceiling}/s emulator ceiling (200/s × ${scale}), so the 10 s interval is ${10 / scale} s and 60 s is ${minute} s`}. `
    + 'The snapshot run in this process, the emulator and dynalite in processes of their own. Goals: at least 95 % of the ceiling; the emulator never sees more than the ceiling.', '',
    table(['groups', 'interval', 'window', 'ceiling', 'samples', 'gaps', 'samples/s (of ceiling)', 'emulator peak', 'rejected', 'peak RSS'], [throughputRow(a), throughputRow(b)]), '',
    `Goals: 2,000 groups ${goal(a.samplesPerSecond >= 0.95 * a.ceiling && a.peakPerSecond <= a.ceiling)}; 12,000 groups ${goal(b.samplesPerSecond >= 0.95 * b.ceiling && b.peakPerSecond <= b.ceiling)}.`, '',
    'Growth with the number of groups (one sample per group per window):', '',
    table(['groups', 'run time', 'peak RSS', 'heap after − before (after GC)', 'samples', 'gaps'], growth.map((row) => [row.groups, ms(row.durationMs), mb(row.peakRssBytes), mb(row.heapGrowthBytes), row.samples, row.gaps])), '');

  // 4. Member pull
  const members = await memberPull(emulator.url);
  out.push('## 4. Member pull', '', 'Every member of a 6,000-member group (about 1.6 MB of profiles: over the 1 MB upstream answer limit).', '',
    table(['how', 'time', 'upstream calls', 'members', 'note'], members.map((row) => [row.how, ms(row.ms), row.upstreamCalls, row.members, row.note])), '');
} finally {
  emulator.stop();
  dynamo.stop();
}

const report = [
  '# Benchmark results', '',
  `Machine: ${machine()}. Run ${new Date().toISOString()} with \`npm run bench\` (BENCH_SCALE=${scale}).`,
  'Figures from one run, side by side; shared machines are noisy, so read ratios rather than absolute times.', '',
  ...out,
].join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench', { recursive: true });
writeFileSync('bench/RESULTS.md', `${report}\n`);
progress('written to bench/RESULTS.md');
