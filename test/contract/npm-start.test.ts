import { type ChildProcess, spawn } from 'node:child_process';
import { LOCAL_SECRET_NAMES } from '../../support/demo-credentials.ts';
import { freeApiPort } from '../../support/ports.ts';

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

describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  });

  test('runs the stack on the given ports with the given credentials, prints what to try, and stops on SIGTERM', async () => {
    const apiPort = await freeApiPort();
    const emulatorPort = await freeApiPort();
    const dynamoPort = await freeApiPort();
    const output = { text: '' };
    child = spawn(process.execPath, ['local/start.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: String(apiPort), EMULATOR_PORT: String(emulatorPort), DYNAMODB_PORT: String(dynamoPort), TENCENT_SECRET_KEY: 'chosen-by-the-user-for-this-test', VOLC_RTC_APP_ID: 'user-app' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    await waitForOutput(child, 'Ctrl-C stops everything', 90_000, output);

    for (const route of ['/online-count', '/members?limit', '/admins', '/v1/rooms/demo-room-1/online-users']) {
      expect(output.text).toContain(route);
    }
    expect(output.text).toContain(`http://127.0.0.1:${apiPort}`);
    // Every minute, on the minute (the deployed rule is cron(* * * * ? *)).
    expect(output.text).toMatch(/Scheduling \[snapshot\] cron: \[\* \* \* \* \?\]/);
    expect(output.text).toContain('/online-count/history');

    const live = await fetch(`http://127.0.0.1:${apiPort}/v1/groups/%40TGS%23aDEMOLIVE1/online-count`);
    expect(live.status).toBe(200);
    const room = await (await fetch(`http://127.0.0.1:${apiPort}/v1/rooms/demo-room-1/online-users`)).json();
    expect(room).toMatchObject({ appId: 'user-app', roomExists: true, totalUsers: 6 });
    const secret = (await (await fetch(`http://127.0.0.1:${emulatorPort}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'secretsmanager.GetSecretValue', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ SecretId: LOCAL_SECRET_NAMES.tencent }),
    })).json()) as { SecretString: string };
    expect(JSON.parse(secret.SecretString).secretKey).toBe('chosen-by-the-user-for-this-test');

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    process.kill(child.pid as number, 'SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${apiPort}/v1/rooms/x/online-users`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${emulatorPort}/_emulator/health`)).rejects.toThrow();
  });
});
