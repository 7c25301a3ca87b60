import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaContext } from '#support/lambda-events.ts';
import { median } from './support.ts';

// Cold start: each packaged bundle (the zip `serverless package` makes) loaded by a fresh Node
// process that answers one event, beside a bare handler (the floor) and a bare handler that
// makes one call to the emulator with the shipped transport (the floor plus the first upstream
// call; see transports.ts).

export interface ColdStart {
  wallMs: number;
  /** of which: importing the bundle (parse, compile, module init) */
  loadMs: number;
  /** the process's CPU time (user + system) from its start to the answer */
  cpuMs: number;
}

// Plain JavaScript, so that no type stripping is measured; lambdaContext comes in as source.
const RUNNER = `
const lambdaContext = ${lambdaContext.toString()};
const started = performance.now();
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const loaded = performance.now();
const answer = await handler(JSON.parse(eventJson), lambdaContext('bench'));
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ms: performance.now() - started, loadMs: loaded - started, cpuMs: (cpu.user + cpu.system) / 1000, status: answer?.statusCode ?? 'ok' }) + '\\n');
`;

const runOnce = (
  nodePath: string,
  runner: string,
  bundle: string,
  event: unknown,
  env: Record<string, string>,
): Promise<{ wallMs: number; loadMs: number; cpuMs: number; status: unknown }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(nodePath, [runner, bundle, JSON.stringify(event)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      const line = out.split('\n').find((text) => text.startsWith('{"ms"'));
      if (code !== 0 || !line) return reject(new Error(`cold start of ${bundle} failed (${code}): ${err.slice(0, 400)}`));
      const reported = JSON.parse(line) as { loadMs: number; cpuMs: number; status: unknown };
      resolve({ wallMs: performance.now() - started, loadMs: reported.loadMs, cpuMs: reported.cpuMs, status: reported.status });
    });
  });

/** The floor: a bare handler that answers with a constant. */
export const bareFloorBundle = async (dir: string): Promise<string> => {
  const source = path.join(dir, 'bare.mjs');
  writeFileSync(source, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  const outfile = source.replace('.mjs', '.min.mjs');
  await build({ entryPoints: [source], outfile, bundle: true, minify: true, format: 'esm', platform: 'node', target: 'node22' });
  return outfile;
};

/**
 * Each bundle answers one event in a fresh process, `runs` times; the runs are interleaved
 * (one of each bundle per round) so a noisy neighbour slows every bundle alike. Medians by key:
 * wall time (spawn to answer), of which importing the bundle, and the process's CPU time (user +
 * system, all threads, from its start to the answer), which waiting for a busy machine's cores
 * does not inflate. Each answer must have the entry's `status` (default 200).
 */
export const measureColdStarts = async (
  entries: Array<{ key: string; bundle: string; event: unknown; env?: Record<string, string>; status?: number }>,
  env: Record<string, string>,
  runs: number,
): Promise<Map<string, ColdStart>> => {
  const runner = path.join(mkdtempSync(path.join(tmpdir(), 'livegate-bench-runner-')), 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const times = new Map(entries.map(({ key }) => [key, { wall: [] as number[], load: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < runs; i += 1) {
    for (const { key, bundle, event, env: own, status = 200 } of entries) {
      const run = await runOnce(process.execPath, runner, bundle, event, { ...env, ...own });
      // A function that failed (a secret it could not read, say) answers fast: that is no cold start to report.
      if (run.status !== status && run.status !== 'ok') throw new Error(`cold start of ${key} answered ${String(run.status)}`);
      times.get(key)!.wall.push(run.wallMs);
      times.get(key)!.load.push(run.loadMs);
      times.get(key)!.cpu.push(run.cpuMs);
    }
  }
  return new Map([...times].map(([key, { wall, load, cpu }]) => [key, { wallMs: median(wall), loadMs: median(load), cpuMs: median(cpu) }]));
};

/** Where each packaged function's bundle is, in the folder unpackFunctions made. */
export const packagedBundle = (unpacked: string, fn: string): string => {
  const dir = path.join(unpacked, fn, 'handlers');
  return path.join(dir, readdirSync(dir).find((name) => name.endsWith('.mjs')) as string);
};

export const bundleBytes = (bundle: string): number => statSync(bundle).size;
