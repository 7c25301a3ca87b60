import { appendFileSync } from 'node:fs';
import { DEFAULT_CREDENTIALS } from '../../emulator/credentials.ts';

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

export const callApi = async <T = any>(pathAndQuery: string, init: RequestInit = {}): Promise<ApiAnswer<T>> => {
  const response = await fetch(`${apiUrl()}${pathAndQuery}`, init);
  const text = await response.text();
  // Every answer body is kept for the leak scan that runs after the suite.
  if (process.env.LIVEGATE_RESPONSES_LOG) appendFileSync(process.env.LIVEGATE_RESPONSES_LOG, `${response.status} ${text.slice(0, 4000)}\n`);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
};

export const postJson = (pathAndQuery: string, body: unknown, headers: Record<string, string> = {}) =>
  callApi(pathAndQuery, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export const groupPath = (groupId: string, suffix: string): string => `/v1/groups/${encodeURIComponent(groupId)}/${suffix}`;

const control = async (method: string, path: string, body?: unknown): Promise<any> => {
  const response = await fetch(`${emulatorUrl()}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
};

/** A forced secret re-read within a second of the last read reuses it (see SecretCache). */
export const pastRefreshCooldown = () => new Promise((resolve) => setTimeout(resolve, 1100));

export const emulator = {
  putGroup: (groupId: string, spec: Record<string, unknown>) => control('PUT', `/tencent/groups/${encodeURIComponent(groupId)}`, spec),
  getGroup: (groupId: string) => control('GET', `/tencent/groups/${encodeURIComponent(groupId)}`),
  putRoom: (appId: string, roomId: string, spec: Record<string, unknown>) =>
    control('PUT', `/volc/apps/${encodeURIComponent(appId)}/rooms/${encodeURIComponent(roomId)}`, spec),
  addFault: (fault: Record<string, unknown>) => control('POST', '/faults', fault),
  clearFaults: () => control('DELETE', '/faults'),
  rotate: (change: Record<string, unknown>) => control('PUT', '/credentials', change),
  /**
   * Puts the default credentials back and waits out the functions' secret-refresh cooldown: a
   * warm worker that re-read a rotated secret less than a second ago would otherwise keep the
   * rotated copy for the rest of that second and fail the next test's first call.
   */
  restoreDefaultCredentials: async () => {
    await control('PUT', '/credentials', { tencent: DEFAULT_CREDENTIALS.tencent, volc: DEFAULT_CREDENTIALS.volc });
    await pastRefreshCooldown();
  },
  /** Changes the emulator's per-second limits; answers the limits now in force (`{}` reads them). */
  setLimits: (limits: { tencentPerSecond?: number; volcPerSecond?: number }): Promise<{ tencentPerSecond: number; volcPerSecond: number }> =>
    control('PUT', '/limits', limits),
  stats: (): Promise<{ apis: Record<string, { calls: number; rejected: Record<string, number>; peakPerSecond: number }> }> => control('GET', '/stats'),
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
