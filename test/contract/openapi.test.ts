import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_JWT_SCOPES } from '#lib/config/jwt-scopes.ts';
import { buildOpenApiDocument } from '#lib/openapi/document.ts';
import { apiUrl, callApi, emulator, groupPath } from '#test/support/http.ts';

// GET /openapi.json as a client sees it, and the README's typed client: types generated from the
// served document with openapi-typescript, an example that type-checks and runs against the API.

const EXAMPLE_GROUP = '@TGS#a6I4ZUUGO';

/**
 * Runs node on a script, without blocking this process: a blocked event loop would miss the API
 * closing idle keep-alive sockets, and the next call would go out on a dead one.
 */
const runNode = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

describe('GET /openapi.json', () => {
  test('serves the description built from this checkout, as cacheable JSON', async () => {
    const answer = await callApi('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(DEFAULT_JWT_SCOPES))));
  });

  test('answers 304 with no body to a client whose copy is current', async () => {
    const etag = (await callApi('/openapi.json')).headers.get('etag') as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await callApi('/openapi.json', { headers: { 'if-none-match': etag } });
    expect({ status: again.status, text: again.text, etag: again.headers.get('etag') }).toEqual({ status: 304, text: '', etag });
    expect((await callApi('/openapi.json', { headers: { 'if-none-match': '"older"' } })).status).toBe(200);
  });
});

describe('a typed client generated from /openapi.json (README)', () => {
  const workDir = path.join(process.cwd(), '.local-data', `typed-client-${process.pid}`);
  beforeAll(async () => {
    mkdirSync(workDir, { recursive: true });
    await emulator.putGroup(EXAMPLE_GROUP, {
      type: 'AVChatRoom',
      onlineCount: 42,
      members: [{ account: 'teacher1', role: 'Owner', joinTime: 1657773110 }],
    });
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  const tsc = () => runNode([path.join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', workDir]);

  test('openapi-typescript generates the types, the example and wrong calls type-check as they should, and the example runs', async () => {
    // The README's command, against the running API.
    const generated = await runNode([
      path.join(process.cwd(), 'node_modules/openapi-typescript/bin/cli.js'),
      `${apiUrl()}/openapi.json`,
      '-o',
      path.join(workDir, 'livegate-api.d.ts'),
    ]);
    expect(generated.status).toBe(0);
    expect(readFileSync(path.join(workDir, 'livegate-api.d.ts'), 'utf8')).toContain('"/v1/groups/{groupId}/online-count"');
    copyFileSync(path.join(process.cwd(), 'docs/examples/typed-client.ts'), path.join(workDir, 'typed-client.ts'));
    // Each of these must be a type error: the types are the API's, not `any`.
    writeFileSync(
      path.join(workDir, 'wrong-calls.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './livegate-api';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
// @ts-expect-error no such route
void api.GET('/v1/groups/{groupId}/online-counts', { params: { path: { groupId: 'g' } } });
// @ts-expect-error limit is a number
void api.GET('/v1/groups/{groupId}/members', { params: { path: { groupId: 'g' }, query: { limit: '10' } } });
// @ts-expect-error fields come from the documented list
void api.GET('/v1/groups/{groupId}/members', { params: { path: { groupId: 'g' }, query: { fields: ['Role'] } } });
// @ts-expect-error action is set or cancel
void api.POST('/v1/groups/{groupId}/admins', { params: { path: { groupId: 'g' } }, body: { action: 'add', accounts: ['u'] } });
const answer = await api.GET('/v1/rooms/{roomId}/online-users', { params: { path: { roomId: 'r' } } });
// @ts-expect-error the answer has no such field
void answer.data?.totalUser;
export {};
`,
    );
    writeFileSync(
      path.join(workDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: ['node'], skipLibCheck: false },
        files: ['typed-client.ts', 'wrong-calls.ts', 'livegate-api.d.ts'],
      }),
    );
    const checked = await tsc();
    expect({ status: checked.status, output: checked.stdout }).toEqual({ status: 0, output: '' });

    // The example is about types, not cold starts: its two functions are warm when it runs (on this busy
    // machine a function's first secret read, right after tsc, can outlast its attempt timeout).
    expect((await callApi(groupPath(EXAMPLE_GROUP, 'online-count'))).status).toBe(200);
    expect((await callApi(`${groupPath(EXAMPLE_GROUP, 'members')}?limit=1`)).status).toBe(200);
    const run = await runNode([path.join(workDir, 'typed-client.ts')], { ...process.env, LIVEGATE_URL: apiUrl() });
    expect({
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr.replace(/^.*ExperimentalWarning.*\n|^\(Use `node --trace-warnings.*\n/gm, ''),
    }).toEqual({
      status: 0,
      stdout: expect.stringMatching(new RegExp(`^${EXAMPLE_GROUP}: 42 online at \\S+Z\\nteacher1 owner 1657773110\\n$`)),
      stderr: '',
    });
  });

  test('a wrong call that type-checks is caught: tsc fails on an unused @ts-expect-error', async () => {
    // Proves the check above can fail: a call that is right, marked as wrong, must not pass.
    writeFileSync(
      path.join(workDir, 'wrong-calls.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './livegate-api';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
// @ts-expect-error (it is not an error: tsc must say so)
void api.GET('/v1/tracking', { params: { query: { kind: 'room', limit: 5 } } });
export {};
`,
    );
    const checked = await tsc();
    expect(checked.status).not.toBe(0);
    expect(checked.stdout).toContain("Unused '@ts-expect-error' directive");
  });
});
