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

// What metrics cost, and what Powertools Metrics would: one upstream function (online count)
// built three times with the packaged esbuild options: as shipped (its own EMF writer,
// lib/metrics/emf.ts), with lib/metrics/recorder.ts swapped for a recorder that does nothing and
// imports nothing (bench/metrics/no-metrics.ts), and with it swapped for the recorder that wrote
// through Powertools Metrics (bench/metrics/powertools-recorder.ts). Cold: bundle size and
// load-to-first-answer in fresh processes, interleaved. Warm: the bundles loaded in one child
// process, answering requests in alternating blocks; its stdout goes to /dev/null, so writing the
// EMF lines (a pipe to the log agent in Lambda) is paid as a write, not printed here.

const RECORDER = path.resolve('lib/metrics/recorder.ts');

export type MetricsVariant = 'without' | 'shipped' | 'powertools';

const RECORDER_SWAPS: Record<Exclude<MetricsVariant, 'shipped'>, string> = {
  without: 'bench/metrics/no-metrics.ts',
  powertools: 'bench/metrics/powertools-recorder.ts',
};

const swappingRecorder = (replacement: string): Plugin => ({
  name: 'swap-recorder',
  setup(esbuild) {
    const metricsDir = path.dirname(RECORDER);
    // The replacement may build on the shipped recorder: its own import of it is left alone.
    esbuild.onResolve({ filter: /recorder\.ts$/ }, (args) =>
      args.importer !== path.resolve(replacement) &&
      (args.path === '#lib/metrics/recorder.ts' || (args.path === './recorder.ts' && path.resolve(args.resolveDir) === metricsDir))
        ? { path: path.resolve(replacement) }
        : undefined,
    );
  },
});

export interface MetricsCost {
  cold: Record<MetricsVariant, { bytes: number; wallMs: number; loadMs: number; cpuMs: number }>;
  floor: { wallMs: number; cpuMs: number };
  warm: Record<MetricsVariant, { p50Us: number; p99Us: number }>;
  warmCalls: number;
}

// Plain JavaScript: loads the bundles, warms each, then times `calls` requests of each in
// alternating blocks of 100, and writes the percentiles to stderr as one JSON line.
const WARM_RUNNER = `
const lambdaContext = ${lambdaContext.toString()};
const [bundlesJson, eventJson, callsText] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const calls = Number(callsText);
const variants = {};
for (const [name, bundle] of Object.entries(JSON.parse(bundlesJson))) variants[name] = (await import(bundle)).handler;
const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
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
process.stderr.write('warm ' + JSON.stringify(Object.fromEntries(Object.entries(times).map(([name, list]) => [name, { p50Us: pct(list, 50), p99Us: pct(list, 99) }]))) + '\\n');
`;

const warmRun = (runner: string, bundles: Record<MetricsVariant, string>, event: unknown, calls: number, env: Record<string, string>) =>
  new Promise<MetricsCost['warm']>((resolve, reject) => {
    const child = spawn(process.execPath, [runner, JSON.stringify(bundles), JSON.stringify(event), String(calls)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      const line = err.split('\n').find((text) => text.startsWith('warm {'));
      if (code !== 0 || !line) return reject(new Error(`warm metrics run failed (${code}): ${err.slice(0, 400)}`));
      resolve(JSON.parse(line.slice('warm '.length)));
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
  progress('metrics: building the online-count function as shipped, without metrics and with Powertools Metrics ...');
  const bundles: Record<MetricsVariant, string> = {
    without: path.join(dir, 'without-metrics.mjs'),
    shipped: path.join(dir, 'shipped.mjs'),
    powertools: path.join(dir, 'powertools.mjs'),
  };
  for (const variant of Object.keys(bundles) as MetricsVariant[]) {
    const options = packagedOptions();
    const swap = variant === 'shipped' ? [] : [swappingRecorder(RECORDER_SWAPS[variant])];
    await build({ ...options, entryPoints: [path.resolve(entry)], outfile: bundles[variant], plugins: [...swap, ...(options.plugins ?? [])] });
  }
  progress(`metrics: cold starts, ${runs} rounds of 4 fresh processes ...`);
  const measured = await measureColdStarts(
    [{ key: 'floor', bundle: floorBundle, event: {} }, ...(Object.keys(bundles) as MetricsVariant[]).map((key) => ({ key, bundle: bundles[key], event }))],
    env,
    runs,
  );
  const runner = path.join(dir, 'warm-runner.mjs');
  writeFileSync(runner, WARM_RUNNER);
  progress(`metrics: warm, ${warmCalls} requests of each ...`);
  const warm = await warmRun(runner, bundles, event, warmCalls, env);
  const cold = (key: MetricsVariant) => ({ bytes: statSync(bundles[key]).size, ...measured.get(key)! });
  return {
    floor: { wallMs: measured.get('floor')!.wallMs, cpuMs: measured.get('floor')!.cpuMs },
    cold: { without: cold('without'), shipped: cold('shipped'), powertools: cold('powertools') },
    warm,
    warmCalls,
  };
};
