import path from 'node:path';
import { startStack } from '#local/stack.ts';
import { freeApiPort } from '#support/ports.ts';
import { startFaultProxy } from './fault-proxy.ts';

// One local stack for the whole suite: emulator + serverless-offline on free ports. Tests
// find it through LIVEGATE_API_URL and LIVEGATE_EMULATOR_URL.
export default async function globalSetup(): Promise<void> {
  const runId = Date.now();
  const logFile = path.join(process.cwd(), '.local-data', 'test-logs', `offline-${runId}.log`);
  process.env.LIVEGATE_TEST_LOG = path.join(process.cwd(), '.local-data', 'test-logs', `jest-${runId}.log`);
  process.env.LIVEGATE_RESPONSES_LOG = path.join(process.cwd(), '.local-data', 'test-logs', `responses-${runId}.log`);
  const memoryProbeFile = path.join(process.cwd(), '.local-data', 'test-logs', `memory-probe-${runId}.json`);
  let proxy: Awaited<ReturnType<typeof startFaultProxy>> | undefined;
  const stack = await startStack({
    // The functions reach dynalite through a relay the tests can tell to fail (process.env.LIVEGATE_DYNAMODB_PROXY).
    fronting: async (endpoint) => {
      proxy = await startFaultProxy(endpoint);
      return proxy.url;
    },
    apiPort: await freeApiPort(),
    emulatorPort: 0,
    dynamoPort: 0,
    offlineOutput: logFile,
    memoryProbeFile,
    // No schedule during tests (it would add upstream calls at random moments); the snapshot tests
    // invoke the function themselves, with a short window.
    params: { snapshotScheduleEnabled: 'false', snapshotWindowSeconds: '4', snapshotIntervalSeconds: '2', snapshotDiscovery: 'on' },
  });
  process.env.LIVEGATE_API_URL = stack.apiUrl;
  process.env.LIVEGATE_EMULATOR_URL = stack.emulator.url;
  process.env.LIVEGATE_OFFLINE_LOG = logFile;
  process.env.LIVEGATE_DYNAMODB_ENDPOINT = stack.dynamo.endpoint;
  process.env.LIVEGATE_OFFLINE_PID = String(stack.pid ?? '');
  process.env.LIVEGATE_MEMORY_PROBE_FILE = memoryProbeFile;
  process.env.LIVEGATE_TABLE = stack.tableName;
  process.env.LIVEGATE_LAMBDA_URL = stack.apiUrl.replace(/:(\d+)$/, (_match, port: string) => `:${Number(port) + 2}`);
  process.env.LIVEGATE_DYNAMODB_PROXY = proxy?.url;
  (globalThis as { livegateStack?: typeof stack; livegateProxy?: typeof proxy }).livegateStack = stack;
  (globalThis as { livegateProxy?: typeof proxy }).livegateProxy = proxy;
}
