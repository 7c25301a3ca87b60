import { type ChildProcess, spawn } from 'node:child_process';
import { sleep } from '#lib/sleep.ts';

// The emulator and dynalite in processes of their own, for benchmarks and the tests that measure
// rates: the code being measured has its process to itself, and the emulator counts each call
// when it arrives rather than when a shared event loop gets round to it.

export interface Background {
  url: string;
  stop: () => void;
}

const waitFor = async (url: string, timeoutMs = 20_000): Promise<void> => {
  const giveUp = Date.now() + timeoutMs;
  while (Date.now() < giveUp) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not come up`);
};

const start = (args: string[], env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });

export const startEmulatorProcess = async (port: number): Promise<Background> => {
  const child = start(['emulator/main.ts'], { EMULATOR_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/_emulator/health`);
  return { url, stop: () => child.kill('SIGTERM') };
};

export const startDynaliteProcess = async (port: number): Promise<Background> => {
  const child = start(['-e', `require('dynalite')({ createTableMs: 0 }).listen(${port}, '127.0.0.1')`], {});
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url);
  return { url, stop: () => child.kill('SIGTERM') };
};
