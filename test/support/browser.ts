import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// The test side of test/support/browser-driver.ts: a headless Chromium the test drives with
// JavaScript expressions evaluated in the page (strings: the page's code is not this program's).

export interface BrowserEvents {
  consoleErrors: string[];
  requests: string[];
  failures: Array<{ url: string; status: number; body: string }>;
}

export interface DrivenBrowser {
  goto: (url: string) => Promise<void>;
  evaluate: <T = any>(expression: string) => Promise<T>;
  waitFor: <T = any>(expression: string, timeoutMs?: number) => Promise<T>;
  click: (selector: string) => Promise<void>;
  events: () => Promise<BrowserEvents>;
  close: () => Promise<void>;
}

export const startBrowser = async (): Promise<DrivenBrowser> => {
  const child = spawn(process.execPath, ['test/support/browser-driver.ts'], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let ready: () => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the browser driver exited (${code}) before it was ready:\n${stderr}`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; id?: number; result?: unknown; error?: string };
    if (message.ready) return ready();
    const waiting = pending.get(message.id as number);
    pending.delete(message.id as number);
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.result);
  });
  child.once('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`the browser driver exited (${code}):\n${stderr}`));
  });
  await started;
  let nextId = 0;
  const call = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id: nextId, method, params })}\n`);
    });
  return {
    goto: (url) => call('goto', { url }),
    evaluate: (expression) => call('evaluate', { expression }),
    waitFor: (expression, timeoutMs) => call('waitFor', { expression, timeoutMs }),
    click: (selector) => call('click', { selector }),
    events: () => call('events'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('close').catch(() => undefined);
      await exited;
    },
  };
};
