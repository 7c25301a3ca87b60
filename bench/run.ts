import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTable } from '#local/dynamodb.ts';
import { startDynaliteProcess, startEmulatorProcess } from '#support/background-processes.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { httpEvent } from '#support/lambda-events.ts';
import { localAwsEnvironment, upstreamEnvironment } from '#support/local-aws.ts';
import { packageService, unpackFunctions } from '#support/package-service.ts';
import { freePort } from '#support/ports.ts';
import { bareFloorBundle, bundleBytes, type ColdStart, measureColdStarts, packagedBundle } from './cold-start.ts';
import { memberPull } from './members.ts';
import { type MetricsVariant, metricsCost } from './metrics-cost.ts';
import { startTlsFront } from './processes.ts';
import { MONTH_TICKS, monthOfHistory } from './rollups.ts';
import { snapshotThroughput } from './snapshots.ts';
import { kb, machine, mb, ms, progress, table, us } from './support.ts';
import { floorWithCallBundle, TRANSPORTS, transportColdStarts, transportWarm } from './transports.ts';
import { warmOverhead } from './warm.ts';

// `npm run bench`: every figure measured side by side in one run on this machine, printed and
// written to bench/RESULTS.md. BENCH_SCALE (default 5) shortens the snapshot "minute" and
// raises the emulator ceiling by that factor; BENCH_SCALE=1 runs the full-size minute.
// BENCH_COLD_RUNS (default 60) and BENCH_WARM_CALLS (default 10,000) set the samples per figure.
// BENCH_PARTS (default: all) runs some sections only, e.g. BENCH_PARTS=cold,warm,transports or rollups;
// RESULTS.md then keeps the other sections from the last run that had them, and says so.

const scale = Number(process.env.BENCH_SCALE ?? 5);
// 60 fresh processes per function: with 20, a function's median moved 3–5 % from run to run, as
// much as the margins its goal is judged by (bench/ANALYSIS.md, cold start).
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 60);
const warmCalls = Number(process.env.BENCH_WARM_CALLS ?? 10_000);
const goal = (met: boolean) => (met ? 'met' : '**missed**');

const SECTIONS = {
  cold: 'Cold start',
  warm: 'Warm overhead',
  transports: 'Upstream transports side by side',
  snapshots: 'Snapshot throughput',
  members: 'Member pull',
  rollups: 'History at any range: rollups',
} as const;
type Part = keyof typeof SECTIONS;
const allParts = Object.keys(SECTIONS) as Part[];
const parts = (process.env.BENCH_PARTS ?? allParts.join(','))
  .split(',')
  .map((part) => part.trim())
  .filter(Boolean) as Part[];
const unknownPart = parts.find((part) => !allParts.includes(part));
if (unknownPart) throw new Error(`BENCH_PARTS: unknown part ${unknownPart} (known: ${allParts.join(', ')})`);
const runs = (part: Part) => parts.includes(part);
const sections = new Map<Part, string[]>();
/** A section's body: everything after its heading (headings are numbered when the report is written). */
const section = (part: Part, lines: string[]) => sections.set(part, lines);

const emulator = await startEmulatorProcess(await freePort());
const dynamo = await startDynaliteProcess(await freePort());
const secretsFront = await startTlsFront(emulator.url);
const dynamoFront = await startTlsFront(dynamo.url);
try {
  const upstreams = emulatorClient(emulator.url);
  await upstreams.setLimits({ tencentPerSecond: 1_000_000, volcPerSecond: 1_000_000 });
  const live = '@TGS#aBENCHLIVE';
  await upstreams.putGroup(live, { type: 'AVChatRoom', onlineCount: 1234, memberCount: 50 });
  await upstreams.putRoom(DEMO_CREDENTIALS.volc.rtcAppId, 'bench-room', { visibleUsers: ['a'], invisibleUsers: ['b'] });
  await ensureTable(dynamo.url, 'snapshot', 'livegate-bench-history', process.cwd());
  await ensureTable(dynamo.url, 'tracking', 'livegate-bench-tracking', process.cwd());
  await ensureTable(dynamo.url, 'tracking', 'livegate-bench-cold-tracking', process.cwd());

  // Cold starts reach Secrets Manager and DynamoDB over HTTPS, as in AWS (see startTlsFront); the upstream calls go to the emulator over HTTP.
  const env = {
    ...localAwsEnvironment(secretsFront.url, dynamoFront.url),
    ...upstreamEnvironment(emulator.url),
    NODE_EXTRA_CA_CERTS: secretsFront.caFile,
    SNAPSHOT_TABLE: 'livegate-bench-history',
    TRACKING_TABLE: 'livegate-bench-tracking',
    RTC_APP_ID: DEMO_CREDENTIALS.volc.rtcAppId,
    SNAPSHOT_DISCOVERY: 'off',
    SNAPSHOT_WINDOW_SECONDS: '1',
    SNAPSHOT_INTERVAL_SECONDS: '1',
    LOG_LEVEL: 'warn',
  };
  const group = `/v1/groups/${encodeURIComponent(live)}`;
  const shipped = TRANSPORTS.find((variant) => variant.shipped)!;

  if (runs('cold')) {
    progress('packaging the functions with serverless package ...');
    const unpacked = unpackFunctions(packageService({ stage: 'bench' }));
    // In AWS every call a function makes leaves over HTTPS: Secrets Manager, DynamoDB and the
    // providers alike. So the reference's one upstream call and the functions' upstream calls go
    // through a TLS front too, as Secrets Manager and DynamoDB do; the same over plain HTTP (how this
    // section measured before) is measured beside it. A TLS handshake is paid once by the
    // reference and twice by a provider function (Secrets Manager, then the provider), as in AWS.
    const upstreamFront = await startTlsFront(emulator.url);
    try {
      const callOver = async (scheme: 'https' | 'http') => {
        const dir = path.join(unpacked, `floor-call-${scheme}`);
        mkdirSync(dir, { recursive: true });
        return floorWithCallBundle(dir, scheme === 'https' ? upstreamFront.url : emulator.url, shipped);
      };
      const providerFunctions = [
        { fn: 'groupOnlineCount', event: httpEvent('GET', `${group}/online-count`) },
        { fn: 'groupMembers', event: httpEvent('GET', `${group}/members`) },
        { fn: 'groupAdmins', event: httpEvent('POST', `${group}/admins`, { body: '{"action":"set","accounts":["bench"]}' }) },
        { fn: 'roomOnlineUsers', event: httpEvent('GET', '/v1/rooms/bench-room/online-users') },
        { fn: 'groupAdminList', event: httpEvent('GET', `${group}/admins`) },
        { fn: 'groupOnlineMembers', event: httpEvent('GET', `${group}/online-members`) },
      ];
      const otherFunctions = [
        { fn: 'groupOnlineCountHistory', event: httpEvent('GET', `${group}/online-count/history`) },
        { fn: 'roomOnlineUsersHistory', event: httpEvent('GET', '/v1/rooms/bench-room/online-users/history') },
        // Its own registry table: the group it tracks must not become a target of the snapshot runs below.
        { fn: 'groupTrackingPut', event: httpEvent('PUT', `${group}/tracking`), env: { TRACKING_TABLE: 'livegate-bench-cold-tracking' } },
        { fn: 'trackingList', event: httpEvent('GET', '/v1/tracking') },
        { fn: 'dashboard', event: httpEvent('GET', '/') },
        { fn: 'openapi', event: httpEvent('GET', '/openapi.json') },
        { fn: 'notFound', event: httpEvent('GET', '/nothing'), status: 404 },
        { fn: 'snapshot', event: { shard: 0, shards: 1 } },
      ];
      const overHttps = upstreamEnvironment(upstreamFront.url);
      const floorBundle = await bareFloorBundle(unpacked);
      const entries = [
        { key: 'floor', bundle: floorBundle, event: {} },
        { key: 'floor+call', bundle: await callOver('https'), event: {} },
        { key: 'floor+call http', bundle: await callOver('http'), event: {} },
        ...[...providerFunctions, ...otherFunctions].map(({ fn, ...run }) => ({
          key: fn,
          bundle: packagedBundle(unpacked, fn),
          ...run,
          env: { ...overHttps, ...('env' in run ? run.env : {}) },
        })),
        ...providerFunctions.map(({ fn, event }) => ({ key: `${fn} http`, bundle: packagedBundle(unpacked, fn), event })),
      ];
      progress(`cold starts: ${coldRuns} rounds of ${entries.length} fresh processes (interleaved) ...`);
      const cold = await measureColdStarts(entries, env, coldRuns);
      const floor = cold.get('floor')!;
      const budgetOf = (call: ColdStart) => ({ wallMs: 0.5 * floor.wallMs + call.wallMs, cpuMs: 0.5 * floor.cpuMs + call.cpuMs });
      const budget = budgetOf(cold.get('floor+call')!);
      const httpBudget = budgetOf(cold.get('floor+call http')!);
      const ratio = (value: number, of: number) => `${(value / of).toFixed(2)} × (${ms(of)})`;
      const isProvider = (fn: string) => providerFunctions.some((candidate) => candidate.fn === fn);
      section('cold', [
        `A fresh Node process loads the bundle and answers one event; median of ${coldRuns} processes (interleaved rounds), wall time and the process's CPU time (user + system), which a busy machine inflates far less. ` +
          `Floor: a bare handler that returns a constant. Floor + first upstream call: a bare handler that makes one call to the emulator with the shipped transport, ${shipped.name}. ` +
          "Every call leaves over HTTPS, as in AWS: to Secrets Manager and DynamoDB, to the upstream emulator and the reference's call (each through a local TLS front). " +
          'The last column measures the provider functions and the reference with the upstream calls over plain HTTP instead (Secrets Manager still over HTTPS), as this section did before. ' +
          'Goals: every bundle under 300 KB minified; load-to-first-answer within 1.5 × floor + the first upstream call (the functions that call a provider).',
        '',
        table(
          ['reference', 'wall', 'CPU', 'budget: 1.5 × floor + call', 'CPU budget'],
          [
            ['floor', ms(floor.wallMs), ms(floor.cpuMs), '', ''],
            ['floor + first call over HTTPS', ms(cold.get('floor+call')!.wallMs), ms(cold.get('floor+call')!.cpuMs), ms(budget.wallMs), ms(budget.cpuMs)],
            [
              'floor + first call over HTTP',
              ms(cold.get('floor+call http')!.wallMs),
              ms(cold.get('floor+call http')!.cpuMs),
              ms(httpBudget.wallMs),
              ms(httpBudget.cpuMs),
            ],
          ],
        ),
        '',
        table(
          [
            'function',
            'bundle',
            'under 300 KB',
            'load to first answer',
            'of which import',
            'vs 1.5 × floor + call',
            'CPU',
            'CPU vs CPU budget',
            'goal',
            'over HTTP: answer, vs its budget',
          ],
          [...providerFunctions, ...otherFunctions].map(({ fn }) => {
            const measured = cold.get(fn)!;
            const bytes = bundleBytes(packagedBundle(unpacked, fn));
            const overHttp = cold.get(`${fn} http`);
            return [
              fn,
              kb(bytes),
              goal(bytes < 300 * 1024),
              ms(measured.wallMs),
              ms(measured.loadMs),
              ratio(measured.wallMs, budget.wallMs),
              ms(measured.cpuMs),
              ratio(measured.cpuMs, budget.cpuMs),
              isProvider(fn) ? goal(measured.wallMs <= budget.wallMs) : measured.wallMs <= budget.wallMs ? '(met)' : '(over)',
              overHttp ? `${ms(overHttp.wallMs)}, ${(overHttp.wallMs / httpBudget.wallMs).toFixed(2)} ×` : '',
            ];
          }),
        ),
        '',
        'The goal applies to the functions that call a provider; the others are measured against the same budget for comparison (in parentheses): the history functions make one DynamoDB Query instead, the snapshot function no upstream call on this event, the catch-all none.',
        '',
      ]);
      const metrics = await metricsCost('handlers/group-online-count.ts', httpEvent('GET', `${group}/online-count`), floorBundle, env, coldRuns, warmCalls);
      const signed = (value: number, format: (value: number) => string) => `${value >= 0 ? '+' : ''}${format(value)}`;
      const metricsRow = (label: string, variant: MetricsVariant) => {
        const { bytes, wallMs, loadMs, cpuMs } = metrics.cold[variant];
        return [label, kb(bytes), ms(wallMs), ms(loadMs), ms(cpuMs), us(metrics.warm[variant].p50Us), us(metrics.warm[variant].p99Us)];
      };
      const costRow = (label: string, variant: MetricsVariant) => {
        const [cold, base, warm, warmBase] = [metrics.cold[variant], metrics.cold.without, metrics.warm[variant], metrics.warm.without];
        return [
          label,
          signed(cold.bytes - base.bytes, kb),
          signed(cold.wallMs - base.wallMs, ms),
          signed(cold.loadMs - base.loadMs, ms),
          signed(cold.cpuMs - base.cpuMs, ms),
          signed(warm.p50Us - warmBase.p50Us, us),
          signed(warm.p99Us - warmBase.p99Us, us),
        ];
      };
      sections
        .get('cold')
        ?.push(
          '**What metrics cost, and what Powertools Metrics would** (EMF on stdout): the online-count function built three times with the packaged esbuild options: ' +
            'as shipped (its own EMF writer, `lib/metrics/emf.ts`), with `lib/metrics/recorder.ts` swapped for a recorder that does nothing (`bench/metrics/no-metrics.ts`), ' +
            'and with it swapped for the recorder that wrote through `@aws-lambda-powertools/metrics` 2.36.0 (`bench/metrics/powertools-recorder.ts`). ' +
            `Cold: median of ${coldRuns} fresh processes each, interleaved, wall and CPU time (floor ${ms(metrics.floor.wallMs)}, CPU ${ms(metrics.floor.cpuMs)}). ` +
            `Warm: the three bundles in one process, ${metrics.warmCalls} requests each in alternating blocks of 100, stdout to /dev/null (the EMF lines are written, not shown).`,
          '',
          table(
            ['build', 'bundle', 'load to first answer', 'of which import', 'CPU', 'warm p50', 'warm p99'],
            [
              metricsRow('without metrics', 'without'),
              metricsRow('own EMF writer (shipped)', 'shipped'),
              metricsRow('Powertools Metrics', 'powertools'),
              costRow('cost of metrics as shipped', 'shipped'),
              costRow('cost with Powertools', 'powertools'),
            ],
          ),
          '',
        );
    } finally {
      upstreamFront.stop();
    }
  }

  if (runs('warm')) {
    const warm = await warmOverhead(emulator.url, live, warmCalls);
    section('warm', [
      `The online-count handler invoked in-process ${warmCalls} times against the emulator, beside a direct signed call to the same emulator API with the same transport, ${shipped.name} (the floor), and a naive client that reads the secret and signs a new UserSig on every call (${Math.min(warmCalls, 2000)} calls). Goal: under 300 µs added at p50.`,
      '',
      table(
        ['client', 'p50', 'p99', 'added at p50', 'added at p99'],
        [
          ['direct signed call (floor)', us(warm.floor.p50), us(warm.floor.p99), '', ''],
          ['livegate handler', us(warm.ours.p50), us(warm.ours.p99), us(warm.ours.p50 - warm.floor.p50), us(warm.ours.p99 - warm.floor.p99)],
          [
            'naive: secret + new UserSig per call',
            us(warm.naive.p50),
            us(warm.naive.p99),
            us(warm.naive.p50 - warm.floor.p50),
            us(warm.naive.p99 - warm.floor.p99),
          ],
        ],
      ),
      '',
      `Goal (added p50 < 300 µs): ${goal(warm.ours.p50 - warm.floor.p50 < 300)}; caching saves ${us(warm.naive.p50 - warm.ours.p50)} a call at p50.`,
      '',
    ]);
  }

  if (runs('transports')) {
    const upstreamFunctions = [
      { fn: 'groupOnlineCount', entry: 'handlers/group-online-count.ts', event: httpEvent('GET', `${group}/online-count`) },
      { fn: 'groupMembers', entry: 'handlers/group-members.ts', event: httpEvent('GET', `${group}/members`) },
      { fn: 'groupAdmins', entry: 'handlers/group-admins.ts', event: httpEvent('POST', `${group}/admins`, { body: '{"action":"set","accounts":["bench"]}' }) },
      { fn: 'roomOnlineUsers', entry: 'handlers/room-online-users.ts', event: httpEvent('GET', '/v1/rooms/bench-room/online-users') },
    ];
    const floorDir = mkdtempSync(path.join(tmpdir(), 'livegate-bench-floor-'));
    const cold = await transportColdStarts(emulator.url, upstreamFunctions, await bareFloorBundle(floorDir), env, coldRuns);
    const warm = await transportWarm(emulator.url, live, warmCalls);
    const label = (variant: { transport: string; shipped: boolean }) => (variant.shipped ? `**${variant.transport}** (shipped)` : variant.transport);
    section('transports', [
      'The upstream functions built once per transport (the esbuild options of `serverless package`, with lib/upstream/transport.ts swapped for the variant; ' +
        'only the shipped one is in the packaged bundles), in the same run. ' +
        `Cold start: median of ${coldRuns} fresh processes each, in interleaved rounds; wall time as in section 1, and the process's CPU time (user + system), which a busy machine inflates far less. ` +
        `Each transport's budget is 1.5 × the floor (a bare handler: ${ms(cold.floor.wallMs)}, CPU ${ms(cold.floor.cpuMs)}) ` +
        'plus the first call made with that same transport (a bare handler that sends one call to the emulator through the transport module, minus the floor).',
      '',
      table(
        ['transport', 'floor + first call', 'first call alone', 'budget: 1.5 × floor + call', 'CPU: floor + call', 'CPU budget'],
        TRANSPORTS.map((variant) => {
          const call = cold.floorWithCall[variant.name]!;
          return [
            label({ transport: variant.name, shipped: variant.shipped }),
            ms(call.wallMs),
            ms(call.wallMs - cold.floor.wallMs),
            ms(0.5 * cold.floor.wallMs + call.wallMs),
            ms(call.cpuMs),
            ms(0.5 * cold.floor.cpuMs + call.cpuMs),
          ];
        }),
      ),
      '',
      table(
        ['function', 'transport', 'bundle', 'load to first answer', 'of which import', 'vs its budget', 'goal', 'CPU', 'CPU vs CPU budget'],
        upstreamFunctions.flatMap(({ fn }) =>
          cold.rows
            .filter((row) => row.fn === fn)
            .map((row) => [
              row.fn,
              label(row),
              kb(row.bytes),
              ms(row.medianMs),
              ms(row.loadMs),
              `${(row.medianMs / row.budgetMs).toFixed(2)} × (${ms(row.budgetMs)})`,
              goal(row.medianMs <= row.budgetMs),
              ms(row.cpuMs),
              `${(row.cpuMs / row.cpuBudgetMs).toFixed(2)} × (${ms(row.cpuBudgetMs)})`,
            ]),
        ),
      ),
      '',
      `Warm: the online-count handler (bundled with each transport) invoked in-process ${warmCalls} times per transport, beside a direct signed call made with the same transport; blocks of 500 calls interleaved across transports.`,
      '',
      table(
        ['transport', 'direct call p50', 'direct call p99', 'handler p50', 'handler p99', 'added at p50'],
        warm.map((row) => [label(row), us(row.direct.p50), us(row.direct.p99), us(row.handler.p50), us(row.handler.p99), us(row.handler.p50 - row.direct.p50)]),
      ),
      '',
    ]);
  }

  if (runs('snapshots')) {
    const minute = 60 / scale;
    const ceiling = 200 * scale;
    const a = await snapshotThroughput(emulator.url, dynamo.url, 2000, 10 / scale, minute, ceiling);
    const b = await snapshotThroughput(emulator.url, dynamo.url, 12_000, minute, minute, ceiling);
    // Always at full size: a real minute of 10 s ticks at the real 200/s ceiling. Scaled by 5 the
    // pushes double an already scaled load (2,000 calls a second in this process), which measures
    // this machine's cores rather than the gates.
    const pushed = await snapshotThroughput(emulator.url, dynamo.url, 2000, 10, 60, 200, { pushes: true });
    const growth = [];
    for (const groups of [1000, 2000, 6000, 12_000]) growth.push(await snapshotThroughput(emulator.url, dynamo.url, groups, minute, minute, ceiling));
    const throughputRow = (row: typeof a) => [
      row.groups,
      `${row.intervalSeconds} s`,
      `${row.windowSeconds} s`,
      `${row.ceiling}/s`,
      row.samples,
      row.gaps,
      `${row.samplesPerSecond.toFixed(0)}/s (${((row.samplesPerSecond / row.ceiling) * 100).toFixed(1)} %)`,
      `${row.peakPerSecond}/s`,
      row.rejected,
      mb(row.peakRssBytes),
    ];
    section('snapshots', [
      `${scale === 1 ? 'Full size' : `Scaled by ${scale}: a ${minute} s "minute" and a ${ceiling}/s emulator ceiling (200/s × ${scale}), so the 10 s interval is ${10 / scale} s and 60 s is ${minute} s`}. ` +
        'The snapshot run in this process, the emulator and dynalite in processes of their own. Goals: at least 95 % of the ceiling; the emulator never sees more than the ceiling.',
      '',
      table(
        ['groups', 'interval', 'window', 'ceiling', 'samples', 'gaps', 'samples/s (of ceiling)', 'emulator peak', 'rejected', 'peak RSS'],
        [throughputRow(a), throughputRow(b)],
      ),
      '',
      `Goals: 2,000 groups ${goal(a.samplesPerSecond >= 0.95 * a.ceiling && a.peakPerSecond <= a.ceiling)}; 12,000 groups ${goal(b.samplesPerSecond >= 0.95 * b.ceiling && b.peakPerSecond <= b.ceiling)}.`,
      '',
      'With every sample pushed to its group (`broadcastTencentMode=always`, send_group_msg at its own ceiling), at full size whatever the scale: a 60 s minute of 10 s ticks at 200/s.',
      '',
      table(
        ['groups', 'interval', 'samples', 'gaps', 'get_online_member_num peak', 'pushes sent', 'pushes failed', 'send_group_msg peak', 'rejected (both)'],
        [
          [
            pushed.groups,
            `${pushed.intervalSeconds} s`,
            pushed.samples,
            pushed.gaps,
            `${pushed.peakPerSecond}/s`,
            pushed.pushes?.sent ?? 0,
            pushed.pushes?.failed ?? 0,
            `${pushed.pushes?.peakPerSecond ?? 0}/s`,
            pushed.rejected + (pushed.pushes?.rejected ?? 0),
          ],
        ],
      ),
      '',
      `Goal (both APIs at or under the ceiling, nothing refused): ${goal(pushed.rejected === 0 && (pushed.pushes?.rejected ?? 1) === 0 && pushed.peakPerSecond <= pushed.ceiling && (pushed.pushes?.peakPerSecond ?? Infinity) <= pushed.ceiling)}; every tick sampled and pushed: ${goal(pushed.gaps === 0 && pushed.pushes?.sent === pushed.samples)}.`,
      '',
      'Growth with the number of groups (one sample per group per window):',
      '',
      table(
        ['groups', 'run time', 'peak RSS', 'heap after − before (after GC)', 'samples', 'gaps'],
        growth.map((row) => [row.groups, ms(row.durationMs), mb(row.peakRssBytes), mb(row.heapGrowthBytes), row.samples, row.gaps]),
      ),
      '',
    ]);
  }

  if (runs('members')) {
    const members = await memberPull(emulator.url);
    section('members', [
      'Every member of a 6,000-member group (about 1.6 MB of profiles: over the 1 MB upstream answer limit).',
      '',
      table(
        ['how', 'time', 'upstream calls', 'members', 'note'],
        members.map((row) => [row.how, ms(row.ms), row.upstreamCalls, row.members, row.note]),
      ),
      '',
    ]);
  }
  if (runs('rollups')) {
    const month = await monthOfHistory(dynamo.url);
    const stepped = month.rows.filter((row) => row.request.includes('step=1h') || row.request.includes('step=auto'));
    const minute = 60 / scale;
    const interval = 10 / scale;
    const withRollups = await snapshotThroughput(emulator.url, dynamo.url, 2000, interval, minute, 200 * scale, { rollups: true });
    const withoutRollups = await snapshotThroughput(emulator.url, dynamo.url, 2000, interval, minute, 200 * scale, { rollups: false });
    const writeRow = (label: string, row: typeof withRollups) => [
      label,
      row.groups,
      `${row.intervalSeconds} s`,
      row.ticksPlanned,
      row.samples,
      row.gaps,
      `${((row.samples / row.ticksPlanned) * 100).toFixed(1)} %`,
      row.table.itemsWritten,
      row.table.writeUnits,
      (row.table.writeUnits / row.samples).toFixed(2),
      row.rollups.writes,
      `${row.table.requests.Query ?? 0} (${row.table.itemsRead} items)`,
      ms(row.durationMs),
    ];
    const sampledAll = withRollups.samples === withRollups.ticksPlanned && withRollups.gaps === 0;
    section('rollups', [
      `A month of 10 s ticks of one group (${month.ticks.toLocaleString('en')} items: 31 days × 8,640, a gap every 997th) and its rollups ` +
        `(${month.rollups.minute} minutes, ${month.rollups.hour} hours, ${month.rollups.day} days, built by the run's aggregation and written in batches: ${ms(month.seedMs)}) ` +
        "in the bench's dynalite; each request is what a history function does (stats over the range, one page of points, the cursor), in this process, " +
        'for "the last 31 days" up to now (a range on no boundary, its newest minutes read from their ticks). Items read: what the Queries scanned (DynamoDB bills reads by them). ' +
        'Goals for step=1h and auto: at most 1,000 items read and p50 under 150 ms.',
      '',
      table(
        ['request', 'step answered', 'points', 'pages', 'items read', 'Queries', 'runs', 'p50', 'p90', 'goal'],
        month.rows.map((row) => [
          row.request,
          row.step,
          row.points.toLocaleString('en'),
          row.pages,
          row.itemsRead.toLocaleString('en'),
          row.queries,
          row.runs,
          ms(row.p50Ms),
          ms(row.p90Ms),
          stepped.includes(row) ? goal(row.itemsRead <= 1000 && row.p50Ms < 150) : '',
        ]),
      ),
      '',
      `Goals (1h and auto: ≤ 1,000 items, p50 < 150 ms): ${goal(stepped.length === 2 && stepped.every((row) => row.itemsRead <= 1000 && row.p50Ms < 150))}. ` +
        `Without rollups a 31-day answer read all ${MONTH_TICKS.toLocaleString('en')} ticks for its stats (last row).`,
      '',
      `The snapshot run with and without rollups: 2,000 groups, ${scale === 1 ? 'full size' : `scaled by ${scale} (a ${minute} s "minute", ${interval} s interval, ceiling ${200 * scale}/s)`}. ` +
        'Writes counted on the snapshot table: items written and write units (one per item up to 1 KB; the largest item written was ' +
        `${Math.max(withRollups.table.largestItemBytes, withoutRollups.table.largestItemBytes)} bytes). A run writes three rollup items (minute, hour, day) per target it sampled whatever its length, so with six ticks a window the share is the same as at full size.`,
      '',
      table(
        [
          'rollups',
          'groups',
          'interval',
          'ticks planned',
          'samples',
          'gaps',
          'sampled',
          'items written',
          'write units',
          'WCU per sample',
          'rollup items',
          'Queries (items)',
          'run time',
        ],
        [writeRow('on', withRollups), writeRow('off', withoutRollups)],
      ),
      '',
      `Goal (rollups on: every tick sampled, no gap): ${goal(sampledAll)}.`,
      '',
    ]);
  }
} finally {
  emulator.stop();
  dynamo.stop();
  secretsFront.stop();
  dynamoFront.stop();
}

// A partial run keeps the other sections of the last report (found by their titles), marked
// with the run they come from.
const earlier = new Map<string, { body: string[]; from: string | undefined }>();
if (parts.length < allParts.length && existsSync('bench/RESULTS.md')) {
  let run: string | undefined;
  let current: string[] | undefined;
  for (const line of readFileSync('bench/RESULTS.md', 'utf8').split('\n')) {
    const heading = /^## (?:\d+\. )?(.*?)(?: \(from (.*)\))?$/.exec(line);
    if (heading) {
      current = [];
      earlier.set(heading[1]!, { body: current, from: heading[2] ?? run });
    } else if (current) current.push(line);
    else run ??= /Run (\S+) with/.exec(line)?.[1];
  }
}
const out: string[] = [];
for (const part of allParts) {
  const kept = sections.has(part) ? undefined : earlier.get(SECTIONS[part]);
  const body = sections.get(part) ?? kept?.body;
  if (!body) continue;
  const number = out.filter((line) => line.startsWith('## ')).length + 1;
  out.push(
    `## ${number}. ${SECTIONS[part]}${kept ? ` (from ${kept.from ?? 'an earlier run'})` : ''}`,
    '',
    ...body.filter((line, index) => index > 0 || line !== ''),
  );
  if (out.at(-1) !== '') out.push('');
}

const report = [
  '# Benchmark results',
  '',
  `Machine: ${machine()}. Run ${new Date().toISOString()} with \`${parts.length < allParts.length ? `BENCH_PARTS=${parts.join(',')} ` : ''}npm run bench\` (BENCH_SCALE=${scale}).`,
  'Figures from one run, side by side; shared machines are noisy, so read ratios rather than absolute times.' +
    (parts.length < allParts.length ? ' Sections marked "from" an earlier run were not rerun.' : ''),
  '',
  ...out,
].join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench', { recursive: true });
writeFileSync('bench/RESULTS.md', `${report}\n`);
progress('written to bench/RESULTS.md');
