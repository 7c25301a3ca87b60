import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaContext } from '../support/lambda-events.ts';
import { median, progress } from './support.ts';

// Cold start: each packaged bundle (the zip `serverless package` makes) loaded by a fresh Node
// process that answers one event, beside a bare handler (the floor) and a bare handler that
// makes one HTTP call to the emulator (the floor plus the first upstream call).

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
process.stdout.write(JSON.stringify({ ms: performance.now() - started, loadMs: loaded - started, status: answer?.statusCode ?? 'ok' }) + '\\n');
`;

const runOnce = (nodePath: string, runner: string, bundle: string, event: unknown, env: Record<string, string>): Promise<{ wallMs: number; loadMs: number; status: unknown }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(nodePath, [runner, bundle, JSON.stringify(event)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('exit', (code) => {
      const line = out.split('\n').find((text) => text.startsWith('{"ms"'));
      if (code !== 0 || !line) return reject(new Error(`cold start of ${bundle} failed (${code}): ${err.slice(0, 400)}`));
      const reported = JSON.parse(line) as { loadMs: number; status: unknown };
      resolve({ wallMs: performance.now() - started, loadMs: reported.loadMs, status: reported.status });
    });
  });

export const floorBundles = async (dir: string, emulatorUrl: string): Promise<{ bare: string; withCall: string }> => {
  const bareSource = path.join(dir, 'bare.mjs');
  writeFileSync(bareSource, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  const callSource = path.join(dir, 'bare-call.mjs');
  writeFileSync(callSource, `export const handler = async () => { const r = await fetch(${JSON.stringify(`${emulatorUrl}/_emulator/health`)}); return { statusCode: r.status, body: await r.text() }; };\n`);
  for (const file of [bareSource, callSource]) {
    await build({ entryPoints: [file], outfile: file.replace('.mjs', '.min.mjs'), bundle: true, minify: true, format: 'esm', platform: 'node', target: 'node22' });
  }
  return { bare: bareSource.replace('.mjs', '.min.mjs'), withCall: callSource.replace('.mjs', '.min.mjs') };
};

export const coldStarts = async (
  functions: Array<{ fn: string; event: unknown }>, unpacked: string, floors: { bare: string; withCall: string }, env: Record<string, string>, runs: number,
): Promise<{ rows: ColdStartRow[]; floorMs: number; floorWithCallMs: number }> => {
  const runner = path.join(unpacked, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const nodePath = process.execPath;
  const measure = async (bundle: string, event: unknown) => {
    const times: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const run = await runOnce(nodePath, runner, bundle, event, env);
      times.push(run.wallMs);
      loads.push(run.loadMs);
    }
    return { wallMs: median(times), loadMs: median(loads) };
  };
  progress(`cold starts: ${runs} fresh processes per function ...`);
  const floorMs = (await measure(floors.bare, {})).wallMs;
  const floorWithCallMs = (await measure(floors.withCall, {})).wallMs;
  const rows: ColdStartRow[] = [];
  for (const { fn, event } of functions) {
    const dir = path.join(unpacked, fn, 'handlers');
    const file = readdirSync(dir).find((name) => name.endsWith('.mjs')) as string;
    const bundle = path.join(dir, file);
    const measured = await measure(bundle, event);
    rows.push({ fn, bytes: statSync(bundle).size, medianMs: measured.wallMs, loadMs: measured.loadMs });
    progress(`  ${fn}: done`);
  }
  return { rows, floorMs, floorWithCallMs };
};
