import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from '#lib/sleep.ts';
import { WALKTHROUGH_ROOM } from '#local/demo.ts';
import { LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { readLocalSecret } from '#support/local-aws.ts';
import { freeApiPort } from '#support/ports.ts';
import { callApiAt } from '#test/support/http.ts';

// `npm start` as a user runs it: no TTY, chosen ports and credentials, demo data, a clean stop.

const waitForOutput = (child: ChildProcess, text: string, timeoutMs: number, output: { text: string }): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${text}" not printed within ${timeoutMs} ms:\n${output.text}`)), timeoutMs);
    const check = () => {
      if (output.text.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before printing "${text}":\n${output.text}`));
    });
  });

/** The `curl` line of the output that mentions `marker`, run as a user would paste it. */
const runPrinted = async (text: string, marker: string, apiBase: string): Promise<{ status: number; body: any }> => {
  const line = text.split('\n').find((candidate) => candidate.includes('curl') && candidate.includes(marker));
  if (!line) throw new Error(`no printed curl line with ${marker}`);
  const command = line.replace(/\s+#.*$/, '').trim();
  const method = /-X (\w+)/.exec(command)?.[1] ?? 'GET';
  const url = /(http:\/\/[^\s']+)/.exec(command)?.[1] as string;
  const data = /-d '([^']*)'/.exec(command)?.[1];
  const init = { method, ...(data === undefined ? {} : { body: data, headers: { 'content-type': 'application/json' } }) };
  // The API's answers are held to the OpenAPI description; the emulator's are not the API's.
  if (url.startsWith(`${apiBase}/`)) {
    const answer = await callApiAt(apiBase, url.slice(apiBase.length), init);
    return { status: answer.status, body: answer.body ?? answer.text };
  }
  const response = await fetch(url, init);
  const body = await response.text();
  try {
    return { status: response.status, body: JSON.parse(body) };
  } catch {
    return { status: response.status, body };
  }
};

describe('npm start', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'livegate-npm-start-'));
  afterAll(async () => {
    // A failed test leaves the stack up. SIGTERM first: npm start then stops serverless-offline,
    // which runs in a process group of its own and would outlive a SIGKILL of npm start's group.
    if (child?.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000, { unref: true }).then(() => false)]);
      if (!stopped && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  const start = async (ports: { apiPort: number; emulatorPort: number; dynamoPort: number }, output: { text: string }) => {
    child = spawn(process.execPath, ['local/start.ts'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        PORT: String(ports.apiPort),
        EMULATOR_PORT: String(ports.emulatorPort),
        DYNAMODB_PORT: String(ports.dynamoPort),
        LIVEGATE_DATA_DIR: dataDir,
        TENCENT_SECRET_KEY: 'chosen-by-the-user-for-this-test',
        VOLC_RTC_APP_ID: 'user-app',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    await waitForOutput(child, 'Ctrl-C stops everything', 90_000, output);
  };

  const stop = async () => {
    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    process.kill(child?.pid as number, 'SIGTERM');
    expect(await exited).toBe(0);
  };

  test('runs the stack on the given ports with the given credentials, prints what to try, and stops on SIGTERM', async () => {
    const apiPort = await freeApiPort();
    const emulatorPort = await freeApiPort();
    const dynamoPort = await freeApiPort();
    const output = { text: '' };
    await start({ apiPort, emulatorPort, dynamoPort }, output);
    const api = `http://127.0.0.1:${apiPort}`;

    for (const route of ['/online-count', '/members?limit', '/admins', '/v1/rooms/demo-room-1/online-users']) {
      expect(output.text).toContain(route);
    }
    expect(output.text).toContain(`http://127.0.0.1:${apiPort}`);
    // Every minute, on the minute (the deployed rule is cron(* * * * ? *)).
    expect(output.text).toMatch(/Scheduling \[snapshot\] cron: \[\* \* \* \* \?\]/);
    expect(output.text).toContain('/online-count/history');

    // The dashboard, on the API's own port.
    expect(output.text).toContain(`Dashboard:  http://127.0.0.1:${apiPort}/ `);
    const dashboard = await callApiAt(api, '/');
    expect({ status: dashboard.status, type: dashboard.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });

    // The OpenAPI description, on the same port.
    expect(output.text).toContain(`OpenAPI:    http://127.0.0.1:${apiPort}/openapi.json `);
    const description = await callApiAt(api, '/openapi.json');
    expect({ status: description.status, openapi: description.body.openapi }).toEqual({ status: 200, openapi: '3.1.0' });
    expect(dashboard.text).toContain('dashboard/app.js');

    const live = await callApiAt(api, '/v1/groups/%40TGS%23aDEMOLIVE1/online-count');
    expect(live.status).toBe(200);
    const room = (await callApiAt(api, '/v1/rooms/demo-room-1/online-users')).body;
    expect(room).toMatchObject({ appId: 'user-app', roomExists: true, totalUsers: 6 });
    expect((await readLocalSecret(`http://127.0.0.1:${emulatorPort}`, LOCAL_SECRET_NAMES.tencent)).secretKey).toBe('chosen-by-the-user-for-this-test');

    // The printed walk-through: a room created in the emulator is tracked by its callback, and untracked when it ends.
    const tracked = async () => ((await callApiAt(api, '/v1/tracking?kind=room&limit=1000')).body as { targets: any[] }).targets;
    expect((await runPrinted(output.text, `-X PUT http://127.0.0.1:${emulatorPort}`, api)).status).toBe(200);
    expect((await tracked()).find((target) => target.roomId === WALKTHROUGH_ROOM)).toMatchObject({ appId: 'user-app', sources: ['callback'] });
    const before = (await tracked()).find((target) => target.roomId === WALKTHROUGH_ROOM);
    expect((await runPrinted(output.text, '/join', api)).status).toBe(200);
    expect(Date.parse((await tracked()).find((target) => target.roomId === WALKTHROUGH_ROOM).expiresAt)).toBeGreaterThanOrEqual(Date.parse(before.expiresAt));
    expect((await runPrinted(output.text, '-X DELETE', api)).status).toBe(200);
    expect((await tracked()).some((target) => target.roomId === WALKTHROUGH_ROOM)).toBe(false);
    expect((await runPrinted(output.text, '/tracking      # 403', api)).status).toBe(403);

    // Tracking is in DynamoDB: it outlives a restart of the whole stack.
    expect((await callApiAt(api, '/v1/rooms/kept-room/tracking', { method: 'PUT' })).status).toBe(200);
    await stop();
    await expect(fetch(`http://127.0.0.1:${apiPort}/v1/rooms/x/online-users`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${emulatorPort}/_emulator/health`)).rejects.toThrow();
    await start({ apiPort, emulatorPort, dynamoPort }, { text: '' });
    expect((await tracked()).find((target) => target.roomId === 'kept-room')).toMatchObject({ appId: 'user-app', sources: ['api'] });
    await stop();
  });
});
