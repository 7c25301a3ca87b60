import path from 'node:path';
import { startStack } from '../../local/stack.ts';
import { freeApiPort } from './ports.ts';

// One local stack for the whole suite: emulator + serverless-offline on free ports. Tests
// find it through LIVEGATE_API_URL and LIVEGATE_EMULATOR_URL.
export default async function globalSetup(): Promise<void> {
  const logFile = path.join(process.cwd(), '.local-data', 'test-logs', `offline-${Date.now()}.log`);
  const stack = await startStack({ apiPort: await freeApiPort(), emulatorPort: 0, offlineOutput: logFile });
  process.env.LIVEGATE_API_URL = stack.apiUrl;
  process.env.LIVEGATE_EMULATOR_URL = stack.emulator.url;
  process.env.LIVEGATE_OFFLINE_LOG = logFile;
  (globalThis as { livegateStack?: typeof stack }).livegateStack = stack;
}
