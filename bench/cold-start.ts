import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaContext } from '#support/lambda-events.ts';
import { median, progress } from './support.ts';

// Cold start: each packaged bundle (the zip `serverless package` makes) loaded by a fresh Node
// process that answers one event, beside a bare handler (the floor) and a bare handler that
// makes one HTTP call to the emulator with the shipped transport (the floor plus the first
// upstream call; see transports.ts).

export interface ColdStartRow {
  fn: string;
  bytes: number;
  medianMs: number;
  /** of which: importing the bundle (parse, compile, module init) */
  loadMs: number;
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
 * does not inflate.
 */
export const measureColdStarts = async (
  entries: Array<{ key: string; bundle: string; event: unknown }>,
  env: Record<string, string>,
  runs: number,
): Promise<Map<string, { wallMs: number; loadMs: number; cpuMs: number }>> => {
  const runner = path.join(mkdtempSync(path.join(tmpdir(), 'livegate-bench-runner-')), 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const times = new Map(entries.map(({ key }) => [key, { wall: [] as number[], load: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < runs; i += 1) {
    for (const { key, bundle, event } of entries) {
      const run = await runOnce(process.execPath, runner, bundle, event, env);
      times.get(key)!.wall.push(run.wallMs);
      times.get(key)!.load.push(run.loadMs);
      times.get(key)!.cpu.push(run.cpuMs);
    }
  }
  return new Map([...times].map(([key, { wall, load, cpu }]) => [key, { wallMs: median(wall), loadMs: median(load), cpuMs: median(cpu) }]));
};

export const coldStarts = async (
  functions: Array<{ fn: string; event: unknown }>,
  unpacked: string,
  floors: { bare: string; withCall: string },
  env: Record<string, string>,
  runs: number,
): Promise<{ rows: ColdStartRow[]; floorMs: number; floorWithCallMs: number }> => {
  const entries: Array<{ key: string; bundle: string; event: unknown }> = [
    { key: 'floor', bundle: floors.bare, event: {} },
    { key: 'floor+call', bundle: floors.withCall, event: {} },
  ];
  for (const { fn, event } of functions) {
    const dir = path.join(unpacked, fn, 'handlers');
    const file = readdirSync(dir).find((name) => name.endsWith('.mjs')) as string;
    entries.push({ key: fn, bundle: path.join(dir, file), event });
  }
  progress(`cold starts: ${runs} rounds of ${entries.length} fresh processes (interleaved) ...`);
  const measured = await measureColdStarts(entries, env, runs);
  const rows = functions.map(({ fn }) => {
    const { wallMs, loadMs } = measured.get(fn)!;
    return { fn, bytes: statSync(entries.find((entry) => entry.key === fn)!.bundle).size, medianMs: wallMs, loadMs };
  });
  return { rows, floorMs: measured.get('floor')!.wallMs, floorWithCallMs: measured.get('floor+call')!.wallMs };
};
