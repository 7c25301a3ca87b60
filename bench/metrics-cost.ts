import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { HttpEvent } from '#support/lambda-events.ts';
import { lambdaContext } from '#support/lambda-events.ts';
import { measureColdStarts } from './cold-start.ts';
import { progress } from './support.ts';
import { packagedOptions } from './transports.ts';

// What Powertools Metrics costs: one upstream function (online count) built twice with the
// packaged esbuild options, as shipped and with lib/metrics/recorder.ts swapped for a recorder
// that does nothing and imports nothing (bench/metrics/no-metrics.ts). Cold: bundle size and
// load-to-first-answer in fresh processes, interleaved. Warm: both bundles loaded in one child
// process, answering requests in alternating blocks; its stdout goes to /dev/null, so writing the
// EMF lines (a pipe to the log agent in Lambda) is paid as a write, not printed here.

const RECORDER = path.resolve('lib/metrics/recorder.ts');

const withoutMetrics = (): Plugin => ({
  name: 'without-metrics',
  setup(esbuild) {
    const metricsDir = path.dirname(RECORDER);
    esbuild.onResolve({ filter: /recorder\.ts$/ }, (args) =>
      args.path === '#lib/metrics/recorder.ts' || (args.path === './recorder.ts' && path.resolve(args.resolveDir) === metricsDir)
        ? { path: path.resolve('bench/metrics/no-metrics.ts') }
        : undefined,
    );
  },
});

export interface MetricsCost {
  cold: Array<{ variant: string; bytes: number; wallMs: number; loadMs: number; cpuMs: number }>;
  floor: { wallMs: number; cpuMs: number };
  warm: Array<{ variant: string; p50Us: number; p99Us: number }>;
  warmCalls: number;
}

// Plain JavaScript: loads both bundles, warms each, then times `calls` requests of each in
// alternating blocks of 100, and writes the percentiles to stderr as one JSON line.
const WARM_RUNNER = `
const lambdaContext = ${lambdaContext.toString()};
const [withPath, withoutPath, eventJson, callsText] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const calls = Number(callsText);
const variants = { with: (await import(withPath)).handler, without: (await import(withoutPath)).handler };
const times = { with: [], without: [] };
const context = lambdaContext('bench');
for (const handler of Object.values(variants)) for (let i = 0; i < 300; i += 1) await handler(event, context);
for (let done = 0; done < calls; done += 100) {
  for (const [name, handler] of Object.entries(variants)) {
    for (let i = 0; i < 100; i += 1) {
      const started = performance.now();
      const answer = await handler(event, context);
      times[name].push((performance.now() - started) * 1000);
      if (answer.statusCode !== 200) throw new Error('answered ' + answer.statusCode);
    }
  }
}
const pct = (values, p) => { const sorted = [...values].sort((a, b) => a - b); return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]; };
process.stderr.write(JSON.stringify(Object.fromEntries(Object.entries(times).map(([name, list]) => [name, { p50: pct(list, 50), p99: pct(list, 99) }]))) + '\\n');
`;

const warmRun = (runner: string, bundles: { with: string; without: string }, event: unknown, calls: number, env: Record<string, string>) =>
  new Promise<Record<'with' | 'without', { p50: number; p99: number }>>((resolve, reject) => {
    const child = spawn(process.execPath, [runner, bundles.with, bundles.without, JSON.stringify(event), String(calls)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      const line = err.split('\n').find((text) => text.startsWith('{"with"'));
      if (code !== 0 || !line) return reject(new Error(`warm metrics run failed (${code}): ${err.slice(0, 400)}`));
      resolve(JSON.parse(line));
    });
  });

export const metricsCost = async (
  entry: string,
  event: HttpEvent,
  floorBundle: string,
  env: Record<string, string>,
  runs: number,
  warmCalls: number,
): Promise<MetricsCost> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-bench-metrics-'));
  progress('metrics: building the online-count function with and without Powertools Metrics ...');
  const bundles = {
    with: path.join(dir, 'with-metrics.mjs'),
    without: path.join(dir, 'without-metrics.mjs'),
  };
  await build({ ...packagedOptions(), entryPoints: [path.resolve(entry)], outfile: bundles.with });
  await build({ ...packagedOptions(), entryPoints: [path.resolve(entry)], outfile: bundles.without, plugins: [withoutMetrics()] });
  progress(`metrics: cold starts, ${runs} rounds of 3 fresh processes ...`);
  const measured = await measureColdStarts(
    [
      { key: 'floor', bundle: floorBundle, event: {} },
      { key: 'with', bundle: bundles.with, event },
      { key: 'without', bundle: bundles.without, event },
    ],
    env,
    runs,
  );
  const runner = path.join(dir, 'warm-runner.mjs');
  writeFileSync(runner, WARM_RUNNER);
  progress(`metrics: warm, ${warmCalls} requests of each ...`);
  const warm = await warmRun(runner, bundles, event, warmCalls, env);
  const row = (key: 'with' | 'without', variant: string) => ({ variant, bytes: statSync(bundles[key]).size, ...measured.get(key)! });
  return {
    floor: { wallMs: measured.get('floor')!.wallMs, cpuMs: measured.get('floor')!.cpuMs },
    cold: [row('without', 'without metrics'), row('with', 'with Powertools Metrics (shipped)')],
    warm: [
      { variant: 'without metrics', p50Us: warm.without.p50, p99Us: warm.without.p99 },
      { variant: 'with Powertools Metrics (shipped)', p50Us: warm.with.p50, p99Us: warm.with.p99 },
    ],
    warmCalls,
  };
};
