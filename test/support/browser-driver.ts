import { createInterface } from 'node:readline';
import type { Page } from 'puppeteer-core';
import { launchBrowser } from '#support/headless-browser.ts';

// A headless Chromium in a process of its own, driven over stdin/stdout (one JSON message a line)
// by test/support/browser.ts. puppeteer-core and @sparticuz/chromium are ES modules only, which
// Jest's module loader cannot require on Node 22; a plain Node process imports them as usual.
// It records what a test judges: console errors, uncaught page errors, every request, and the
// status and body of every answer that was not 2xx.

interface Command {
  id: number;
  method: 'goto' | 'evaluate' | 'waitFor' | 'click' | 'events' | 'close';
  params: { url?: string; expression?: string; selector?: string; timeoutMs?: number };
}

const events = { consoleErrors: [] as string[], requests: [] as string[], failures: [] as Array<{ url: string; status: number; body: string }> };

const browser = await launchBrowser();
const page: Page = await browser.newPage();
page.on('console', (message) => {
  if (message.type() === 'error') events.consoleErrors.push(message.text());
});
page.on('pageerror', (error) => events.consoleErrors.push(`uncaught: ${error instanceof Error ? error.message : String(error)}`));
page.on('request', (request) => {
  events.requests.push(request.url());
});
page.on('response', (response) => {
  if (response.status() >= 300) {
    void response
      .text()
      .catch(() => '')
      .then((body) => events.failures.push({ url: response.url(), status: response.status(), body }));
  }
});

const waitFor = async (expression: string, timeoutMs: number): Promise<unknown> => {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(expression);
    if (value) return value;
    if (Date.now() > giveUpAt) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const run = async ({ method, params }: Command): Promise<unknown> => {
  switch (method) {
    case 'goto':
      await page.goto(params.url as string, { waitUntil: 'load' });
      return null;
    case 'evaluate':
      return page.evaluate(params.expression as string);
    case 'waitFor':
      return waitFor(params.expression as string, params.timeoutMs ?? 10_000);
    case 'click':
      await page.click(params.selector as string);
      return null;
    case 'events':
      return events;
    case 'close':
      await browser.close();
      setImmediate(() => process.exit(0));
      return null;
  }
};

process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  try {
    const result = await run(command);
    process.stdout.write(`${JSON.stringify({ id: command.id, result: result ?? null })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: command.id, error: error instanceof Error ? error.message : String(error) })}\n`);
  }
}
await browser.close();
