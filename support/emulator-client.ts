import type { EmulatorLimits } from '../emulator/context.ts';
import type { CredentialsChange } from '../emulator/control.ts';
import type { ApiStats, Fault } from '../emulator/traffic.ts';

// The emulator's control API (docs/EMULATOR.md), as tests, benchmarks and `npm start` drive it.

export interface EmulatorStats {
  apis: Record<string, ApiStats>;
}

/** `baseUrl` may be a function, for callers that learn the emulator's address after loading this. */
export const emulatorClient = (baseUrl: string | (() => string)) => {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const url = typeof baseUrl === 'string' ? baseUrl : baseUrl();
    const response = await fetch(`${url}/_emulator${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const groupPath = (groupId: string) => `/tencent/groups/${encodeURIComponent(groupId)}`;
  return {
    reset: () => control<{ reset: true }>('POST', '/reset'),
    putGroup: (groupId: string, spec: Record<string, unknown>) =>
      control<{ groupId: string; type: string; memberCount: number }>('PUT', groupPath(groupId), spec),
    getGroup: (groupId: string) =>
      control<{ groupId: string; type: string; admins: string[]; memberCount: number }>('GET', groupPath(groupId)),
    /** Groups `@TGS#a<prefix>0` to `@TGS#a<prefix><count - 1>`. */
    createGroups: (spec: { prefix: string; count: number; type?: string; onlineCount?: number; fluctuate?: boolean }) =>
      control<{ created: number; first: string; last: string }>('POST', '/tencent/groups', spec),
    putRoom: (appId: string, roomId: string, spec: { visibleUsers?: string[]; invisibleUsers?: string[] }) =>
      control<{ ok: true }>('PUT', `/volc/apps/${encodeURIComponent(appId)}/rooms/${encodeURIComponent(roomId)}`, spec),
    addFault: (fault: Partial<Fault>) => control<Fault>('POST', '/faults', fault),
    clearFaults: () => control<{ cleared: true }>('DELETE', '/faults'),
    /** What the emulator verifies and what its Secrets Manager serves change together. */
    rotate: (change: CredentialsChange) => control<{ rotated: true }>('PUT', '/credentials', change),
    /** Answers the limits now in force (`{}` reads them). */
    setLimits: (limits: Partial<EmulatorLimits>) => control<EmulatorLimits>('PUT', '/limits', limits),
    stats: () => control<EmulatorStats>('GET', '/stats'),
  };
};

export type EmulatorClient = ReturnType<typeof emulatorClient>;
