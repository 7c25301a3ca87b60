import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { load as loadYaml } from 'js-yaml';
import { generateUserSig } from '#lib/tencent/usersig.ts';
import type { Transport } from '#lib/upstream/transport.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';
import { functionEnvironment } from '#support/local-aws.ts';
import { tencentRestUrl } from '#support/tencent-rest.ts';
import { measureColdStarts } from './cold-start.ts';
import { percentile, progress } from './support.ts';

// The upstream transports side by side: each upstream function built once per transport (the
// same esbuild options as `serverless package`, with lib/upstream/transport.ts swapped for the
// variant), cold-started beside the floor and a floor + first call made with that same
// transport, and the warm online-count handler per transport beside a direct signed call made
// with that same transport. Only the transport in lib/upstream/transport.ts is ever shipped.

export interface TransportVariant {
  name: string;
  /** A module exporting `transport: Transport`. */
  file: string;
  shipped: boolean;
}

export const SHIPPED_TRANSPORT = 'lib/upstream/transport.ts';

export const TRANSPORTS: TransportVariant[] = [
  { name: 'fetch (built-in)', file: 'bench/transports/fetch.ts', shipped: false },
  { name: 'node-fetch v3', file: 'bench/transports/node-fetch.ts', shipped: false },
  { name: 'node:http + keep-alive agent', file: SHIPPED_TRANSPORT, shipped: true },
];

/** The esbuild options `serverless package` uses (serverless.yml, custom.esbuild), so variant bundles match the shipped ones. */
export const packagedOptions = (): BuildOptions => {
  const config = loadYaml(readFileSync('serverless.yml', 'utf8')) as { custom: { esbuild: Record<string, any> } };
  const { bundle, minify, sourcemap, target, platform, format, mainFields, banner, alias, plugins } = config.custom.esbuild;
  const packagedPlugins = createRequire(import.meta.url)(path.resolve(plugins)) as Plugin[];
  return {
    bundle,
    minify,
    sourcemap,
    target,
    platform,
    format,
    mainFields,
    banner,
    alias,
    plugins: [...packagedPlugins],
    absWorkingDir: process.cwd(),
    logLevel: 'error',
  };
};

/** Resolves lib/upstream/http.ts's `./transport.ts` to the variant instead. */
const swapTransport = (file: string): Plugin => ({
  name: 'swap-transport',
  setup(esbuild) {
    const upstreamDir = path.resolve('lib/upstream');
    esbuild.onResolve({ filter: /^\.\/transport\.ts$/ }, (args) => (path.resolve(args.resolveDir) === upstreamDir ? { path: path.resolve(file) } : undefined));
  },
});

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

export const buildWithTransport = async (entry: string, outfile: string, variant: TransportVariant): Promise<string> => {
  const options = packagedOptions();
  await build({ ...options, entryPoints: [path.resolve(entry)], outfile, plugins: [swapTransport(variant.file), ...(options.plugins ?? [])] });
  return outfile;
};

/** A bare handler that makes one call to the emulator with the variant's transport, as `sendRequest` does. */
export const floorWithCallBundle = async (dir: string, emulatorUrl: string, variant: TransportVariant): Promise<string> => {
  const source = path.join(dir, `bare-call-${slug(variant.name)}.mjs`);
  writeFileSync(
    source,
    [
      `import { transport } from ${JSON.stringify(path.resolve(variant.file))};`,
      'export const handler = async () => {',
      `  const answer = await transport(${JSON.stringify(`${emulatorUrl}/_emulator/health`)}, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) });`,
      '  return { statusCode: answer.status, body: answer.text };',
      '};',
      '',
    ].join('\n'),
  );
  return buildWithTransport(source, source.replace('.mjs', '.min.mjs'), variant);
};

export interface UpstreamFunction {
  fn: string;
  entry: string;
  event: unknown;
}

export interface TransportColdRow {
  transport: string;
  shipped: boolean;
  fn: string;
  bytes: number;
  medianMs: number;
  loadMs: number;
  cpuMs: number;
  /** 1.5 × floor + this transport's first call */
  budgetMs: number;
  /** the same, in CPU time */
  cpuBudgetMs: number;
}

export interface TransportWarmRow {
  transport: string;
  shipped: boolean;
  direct: { p50: number; p99: number };
  handler: { p50: number; p99: number };
}

export const transportColdStarts = async (
  emulatorUrl: string,
  functions: UpstreamFunction[],
  floorBundle: string,
  env: Record<string, string>,
  runs: number,
): Promise<{ floor: { wallMs: number; cpuMs: number }; floorWithCall: Record<string, { wallMs: number; cpuMs: number }>; rows: TransportColdRow[] }> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-bench-transports-'));
  progress(`transports: building ${functions.length} functions × ${TRANSPORTS.length} transports ...`);
  const entries: Array<{ key: string; bundle: string; event: unknown }> = [{ key: 'floor', bundle: floorBundle, event: {} }];
  for (const variant of TRANSPORTS) {
    entries.push({ key: `call|${variant.name}`, bundle: await floorWithCallBundle(dir, emulatorUrl, variant), event: {} });
    for (const { fn, entry, event } of functions) {
      const variantDir = path.join(dir, slug(variant.name));
      mkdirSync(variantDir, { recursive: true });
      entries.push({ key: `${fn}|${variant.name}`, bundle: await buildWithTransport(entry, path.join(variantDir, `${fn}.mjs`), variant), event });
    }
  }
  progress(`transports: cold starts, ${runs} rounds of ${entries.length} fresh processes (interleaved) ...`);
  const measured = await measureColdStarts(entries, env, runs);
  const floor = measured.get('floor')!;
  const floorWithCall: Record<string, { wallMs: number; cpuMs: number }> = {};
  const rows: TransportColdRow[] = [];
  for (const variant of TRANSPORTS) {
    const call = measured.get(`call|${variant.name}`)!;
    floorWithCall[variant.name] = call;
    for (const { fn } of functions) {
      const entry = entries.find((candidate) => candidate.key === `${fn}|${variant.name}`)!;
      const { wallMs, loadMs, cpuMs } = measured.get(entry.key)!;
      rows.push({
        transport: variant.name,
        shipped: variant.shipped,
        fn,
        bytes: statSync(entry.bundle).size,
        medianMs: wallMs,
        loadMs,
        cpuMs,
        budgetMs: 0.5 * floor.wallMs + call.wallMs,
        cpuBudgetMs: 0.5 * floor.cpuMs + call.cpuMs,
      });
    }
  }
  return { floor, floorWithCall, rows };
};

/**
 * Warm: per transport, the online-count handler (bundled with that transport) invoked in this
 * process, beside a direct signed call made with the same transport. Blocks of calls are
 * interleaved across transports, so a noisy neighbour hits them alike.
 */
export const transportWarm = async (emulatorUrl: string, groupId: string, iterations: number): Promise<TransportWarmRow[]> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-bench-transports-warm-'));
  Object.assign(process.env, functionEnvironment(emulatorUrl), { LOG_LEVEL: 'warn' });
  const { tencent } = DEMO_CREDENTIALS;
  const userSig = generateUserSig(tencent, 86_400);
  const body = JSON.stringify({ GroupId: groupId });
  const event = httpEvent('GET', `/v1/groups/${encodeURIComponent(groupId)}/online-count`);
  const context = lambdaContext('bench');

  const clients: Array<{ variant: TransportVariant; direct: () => Promise<void>; handler: () => Promise<void> }> = [];
  for (const variant of TRANSPORTS) {
    const { transport } = (await import(pathToFileURL(path.resolve(variant.file)).href)) as { transport: Transport };
    const bundle = await buildWithTransport('handlers/group-online-count.ts', path.join(dir, `${slug(variant.name)}.mjs`), variant);
    const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: HttpHandler };
    clients.push({
      variant,
      direct: async () => {
        const url = tencentRestUrl(emulatorUrl, '/v4/group_open_http_svc/get_online_member_num', tencent, userSig);
        const answer = await transport(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
        if ((JSON.parse(answer.text) as { ErrorCode: number }).ErrorCode !== 0) throw new Error(`upstream error: ${answer.text}`);
      },
      handler: async () => {
        const answer = await handler(event, context);
        if (answer.statusCode !== 200) throw new Error(`handler answered ${answer.statusCode}`);
      },
    });
  }
  const time = async (call: () => Promise<void>, calls: number, into: number[] | undefined) => {
    for (let i = 0; i < calls; i += 1) {
      const started = performance.now();
      await call();
      into?.push((performance.now() - started) * 1000);
    }
  };
  progress(`transports: warm, ${iterations} calls per client, in interleaved blocks ...`);
  const block = 500;
  const times = clients.map(() => ({ direct: [] as number[], handler: [] as number[] }));
  for (const client of clients) {
    await time(client.direct, Math.min(500, iterations / 10), undefined);
    await time(client.handler, Math.min(500, iterations / 10), undefined);
  }
  for (let done = 0; done < iterations; done += block) {
    const calls = Math.min(block, iterations - done);
    for (const [index, client] of clients.entries()) {
      await time(client.direct, calls, times[index]!.direct);
      await time(client.handler, calls, times[index]!.handler);
    }
  }
  return clients.map((client, index) => {
    const { direct, handler } = times[index]!;
    return {
      transport: client.variant.name,
      shipped: client.variant.shipped,
      direct: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
      handler: { p50: percentile(handler, 50), p99: percentile(handler, 99) },
    };
  });
};
