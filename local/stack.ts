import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CallbackTargets } from '#emulator/callbacks.ts';
import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { sleep } from '#lib/sleep.ts';
import { LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { localAwsEnvironment } from '#support/local-aws.ts';
import { ensureTable, type RunningDynamo, startDynamo } from './dynamodb.ts';

// The whole local stack in one place, used by `npm start` and by the test suite alike:
// the emulator (upstreams + Secrets Manager) in this process, serverless-offline as a child.

export interface StackOptions {
  apiPort: number;
  emulatorPort: number;
  dynamoPort: number;
  /** Where dynalite keeps its data; in memory when absent. */
  dynamoDataDir?: string;
  /** Puts something (a test's fault proxy) between the functions and dynalite; returns the endpoint they use. */
  fronting?: (dynamoEndpoint: string) => Promise<string>;
  /** serverless.yml params on top of the local ones (snapshot settings, for example). */
  params?: Record<string, string>;
  /** Where serverless-offline's output goes: a file path, or 'inherit' for this terminal. */
  offlineOutput: string | 'inherit';
  /** With 'inherit': sees each line of the functions' output, and may answer a line to print after it. */
  watchOutput?: (line: string) => string | undefined;
  projectRoot?: string;
  /** Test-only: the file local/memory-probe.ts writes the functions' live heaps to on SIGUSR2. */
  memoryProbeFile?: string;
  /** Where the emulator sends the providers' callbacks; absent: the EMULATOR_*_CALLBACK_URL environment. */
  emulatorCallbacks?: CallbackTargets;
}

export interface RunningStack {
  apiUrl: string;
  emulator: RunningEmulator;
  dynamo: RunningDynamo;
  tableName: string;
  trackingTableName: string;
  stop: () => Promise<void>;
  /** serverless-offline's process, which runs the functions (for memory readings). */
  pid: number | undefined;
  /** Resolves if serverless-offline exits by itself (it should not). */
  exited: Promise<number | null>;
}

const waitForApi = async (apiUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const giveUpAt = Date.now() + timeoutMs;
  while (Date.now() < giveUpAt) {
    if (child.exitCode !== null) throw new Error(`serverless-offline exited with code ${child.exitCode} while starting`);
    try {
      // Any answer from our catch-all function means the API is up.
      const response = await fetch(`${apiUrl}/_livegate/ready`, { signal: AbortSignal.timeout(10_000) });
      if (response.headers.get('x-request-id')) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the local API did not answer at ${apiUrl} within ${timeoutMs / 1000} s`);
};

export const LOCAL_TABLE_NAME = 'livegate-local-snapshots';
export const LOCAL_TRACKING_TABLE_NAME = 'livegate-local-tracking';

export const startStack = async (options: StackOptions): Promise<RunningStack> => {
  const root = options.projectRoot ?? process.cwd();
  const emulator = await startEmulator({ port: options.emulatorPort, ...(options.emulatorCallbacks ? { callbacks: options.emulatorCallbacks } : {}) });
  const dynamo = await startDynamo({ port: options.dynamoPort, ...(options.dynamoDataDir ? { dataDir: options.dynamoDataDir } : {}) });
  await ensureTable(dynamo.endpoint, 'snapshot', LOCAL_TABLE_NAME, root);
  await ensureTable(dynamo.endpoint, 'tracking', LOCAL_TRACKING_TABLE_NAME, root);
  const functionsDynamoEndpoint = options.fronting ? await options.fronting(dynamo.endpoint) : dynamo.endpoint;
  const params: Record<string, string> = {
    tencentSecretArn: LOCAL_SECRET_NAMES.tencent,
    volcSecretArn: LOCAL_SECRET_NAMES.volc,
    tencentBaseUrl: emulator.url,
    volcBaseUrl: emulator.url,
    snapshotTableName: LOCAL_TABLE_NAME,
    trackingTableName: LOCAL_TRACKING_TABLE_NAME,
    rtcAppId: emulator.credentials().volc.rtcAppId,
    ...options.params,
  };
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  const buildDir = `.esbuild-local-${options.apiPort}`;
  const memoryProbe = options.memoryProbeFile ? ['--expose-gc', '--import', path.join(root, 'local/memory-probe.ts')] : [];
  const args = [
    '--import',
    path.join(root, 'local/offline-preload.ts'),
    ...memoryProbe,
    path.join(root, 'node_modules/osls/bin/serverless.js'),
    'offline',
    'start',
    '--stage',
    'local',
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(options.apiPort),
    '--lambdaPort',
    String(options.apiPort + 2),
    '--noAuth',
    ...Object.entries(params).map(([name, value]) => `--param=${name}=${value}`),
  ];
  let stdio: Array<'inherit' | 'pipe' | 'ignore'> = ['ignore', 'inherit', 'inherit'];
  let logFile: ReturnType<typeof createWriteStream> | undefined;
  if (options.offlineOutput !== 'inherit') {
    mkdirSync(path.dirname(options.offlineOutput), { recursive: true });
    logFile = createWriteStream(options.offlineOutput, { flags: 'a' });
    stdio = ['ignore', 'pipe', 'pipe'];
  }
  const { watchOutput } = options;
  if (options.offlineOutput === 'inherit' && watchOutput) stdio = ['ignore', 'pipe', 'inherit'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      ...localAwsEnvironment(emulator.url, functionsDynamoEndpoint),
      LIVEGATE_BUILD_DIR: buildDir,
      ...(options.memoryProbeFile ? { LIVEGATE_MEMORY_PROBE_FILE: options.memoryProbeFile } : {}),
    },
    stdio,
    detached: true, // its own process group, so esbuild's service process stops with it
  });
  if (logFile) {
    child.stdout?.pipe(logFile);
    child.stderr?.pipe(logFile);
  } else if (watchOutput && child.stdout) {
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      const extra = watchOutput(line);
      process.stdout.write(`${line}\n${extra === undefined ? '' : `${extra}\n`}`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(killer);
    }
    logFile?.end();
    rmSync(path.join(root, buildDir), { recursive: true, force: true });
    await Promise.all([emulator.close(), dynamo.close()]);
  };

  try {
    await waitForApi(apiUrl, child, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, emulator, dynamo, tableName: LOCAL_TABLE_NAME, trackingTableName: LOCAL_TRACKING_TABLE_NAME, pid: child.pid, stop, exited };
};
