import { type ChildProcess, spawn } from 'node:child_process';

// `npm run dashboard -- <args>` (its script, dashboard/serve.ts) as a test runs it.

const children: ChildProcess[] = [];

/** Starts the CLI and waits for the URL it prints, or for it to exit. */
export const runDashboardCli = (args: string[], env: NodeJS.ProcessEnv): Promise<{ url?: string; output: string; code?: number | null }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['dashboard/serve.ts', ...args], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) resolve({ url, output });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => resolve({ output, code }));
  });

/** Stops every CLI this test file started. */
export const stopDashboardClis = (): void => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
};

/** The CLI's environment: nothing from this machine's AWS setup, plus `extra`. */
export const cliEnvironment = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_') && name !== 'LIVEGATE_TOKEN') env[name] = value;
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/livegate-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/livegate-test-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
};
