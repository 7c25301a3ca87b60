import { appendFileSync } from 'node:fs';
import { sleep } from '#lib/sleep.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { validateAnswer } from './openapi-validator.ts';

// Steps shared by the contract tests: call the API, drive the emulator, read its stats.

export const apiUrl = (): string => {
  const url = process.env.LIVEGATE_API_URL;
  if (!url) throw new Error('LIVEGATE_API_URL is not set: run through jest so the global setup starts the stack');
  return url;
};

export const emulatorUrl = (): string => {
  const url = process.env.LIVEGATE_EMULATOR_URL;
  if (!url) throw new Error('LIVEGATE_EMULATOR_URL is not set');
  return url;
};

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const callApi = <T = any>(pathAndQuery: string, init: RequestInit = {}): Promise<ApiAnswer<T>> => callApiAt<T>(apiUrl(), pathAndQuery, init);

/** callApi against another running API (the one `npm start` runs), held to the same description. */
export const callApiAt = async <T = any>(baseUrl: string, pathAndQuery: string, init: RequestInit = {}): Promise<ApiAnswer<T>> => {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, init);
  const text = await response.text();
  // Every answer body is kept for the leak scan that runs after the suite.
  if (process.env.LIVEGATE_RESPONSES_LOG) appendFileSync(process.env.LIVEGATE_RESPONSES_LOG, `${response.status} ${text.slice(0, 4000)}\n`);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // Every answer is held to the OpenAPI description: a mismatch fails the test that received it.
  validateAnswer({ method: init.method ?? 'GET', pathAndQuery, status: response.status, headers: response.headers, text });
  return { status: response.status, headers: response.headers, body, text };
};

export const postJson = (pathAndQuery: string, body: unknown, headers: Record<string, string> = {}) =>
  callApi(pathAndQuery, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export const groupPath = (groupId: string, suffix: string): string => `/v1/groups/${encodeURIComponent(groupId)}/${suffix}`;

/** A forced secret re-read within a second of the last read reuses it (see SecretCache). */
export const pastRefreshCooldown = () => sleep(1100);

const client = emulatorClient(emulatorUrl);

/** The suite's emulator. */
export const emulator = {
  ...client,
  /**
   * Puts the demo credentials back and waits out the functions' secret-refresh cooldown: a
   * warm worker that re-read a rotated secret less than a second ago would otherwise keep the
   * rotated copy for the rest of that second and fail the next test's first call.
   */
  restoreDefaultCredentials: async () => {
    await client.rotate(DEMO_CREDENTIALS);
    await pastRefreshCooldown();
  },
};

/** Upstream calls (Tencent and Volcengine, not Secrets Manager) made so far. */
export const upstreamCalls = async (): Promise<number> => {
  const { apis } = await emulator.stats();
  return Object.entries(apis)
    .filter(([api]) => api !== 'GetSecretValue')
    .reduce((sum, [, entry]) => sum + entry.calls, 0);
};

export const callsOf = async (api: string): Promise<number> => (await emulator.stats()).apis[api]?.calls ?? 0;

/** Asserts the contract's error shape and returns the error object. */
export const expectContractError = (answer: ApiAnswer, status: number, code: string) => {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.body.error.requestId).toBe(answer.headers.get('x-request-id'));
  return answer.body.error;
};

/** Ends the `api` tracking source of every tracked target, so runs other tests count see none of them. */
export const untrackAllByApi = async (): Promise<void> => {
  let cursor: string | null = null;
  const targets: Array<{ kind: string; groupId?: string; roomId?: string; appId?: string; sources: string[] }> = [];
  do {
    const answer: ApiAnswer = await callApi(`/v1/tracking?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    targets.push(...answer.body.targets);
    cursor = answer.body.nextCursor;
  } while (cursor);
  for (const target of targets.filter((tracked) => tracked.sources.includes('api'))) {
    const path =
      target.kind === 'group'
        ? `/v1/groups/${encodeURIComponent(target.groupId as string)}/tracking`
        : `/v1/rooms/${encodeURIComponent(target.roomId as string)}/tracking?appId=${encodeURIComponent(target.appId as string)}`;
    await callApi(path, { method: 'DELETE' });
  }
};
