// Per-API bookkeeping: call counts, rejections by code, the busiest one-second window seen,
// the frequency limit itself, and injected faults.

export type Target = 'tencent' | 'volc' | 'secrets';

export interface Fault {
  target: Target | '*';
  api: string;
  rate: number;
  httpStatus?: number;
  errorCode?: number;
  latencyMs?: number;
  /** Remaining times this fault fires; Infinity when not limited. */
  times: number;
}

export interface ApiStats {
  calls: number;
  rejected: Record<string, number>;
  peakPerSecond: number;
}

/** Timestamps of the calls in the last second, oldest first, in a ring that grows as needed. */
class SlidingSecond {
  private stamps: number[] = [];
  private head = 0;

  /** Records a call at `now` and returns how many calls fall within the second ending at `now`. */
  record(now: number): number {
    this.stamps.push(now);
    while (this.head < this.stamps.length && (this.stamps[this.head] as number) <= now - 1000) this.head += 1;
    if (this.head > 4096) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }
}

export class Traffic {
  private readonly stats = new Map<string, ApiStats>();
  private readonly windows = new Map<string, SlidingSecond>();
  /** Frequency windows that are not an API's own (a limit per AppId, for example); not in the stats. */
  private readonly keyedWindows = new Map<string, SlidingSecond>();
  private faults: Fault[] = [];
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(clock: () => number = Date.now, random: () => number = Math.random) {
    this.clock = clock;
    this.random = random;
  }

  private statsFor(api: string): ApiStats {
    let entry = this.stats.get(api);
    if (!entry) {
      entry = { calls: 0, rejected: {}, peakPerSecond: 0 };
      this.stats.set(api, entry);
    }
    return entry;
  }

  /** Counts a call and returns the calls seen in the last second including it. */
  recordCall(api: string): number {
    const entry = this.statsFor(api);
    entry.calls += 1;
    let window = this.windows.get(api);
    if (!window) {
      window = new SlidingSecond();
      this.windows.set(api, window);
    }
    const inLastSecond = window.record(this.clock());
    entry.peakPerSecond = Math.max(entry.peakPerSecond, inLastSecond);
    return inLastSecond;
  }

  /** Records a call under `key` (e.g. `SendBroadcast:<AppId>`) and returns the calls under it in the last second. */
  recordKeyed(key: string): number {
    let window = this.keyedWindows.get(key);
    if (!window) {
      window = new SlidingSecond();
      this.keyedWindows.set(key, window);
    }
    return window.record(this.clock());
  }

  recordRejection(api: string, code: number | string): void {
    const entry = this.statsFor(api);
    entry.rejected[String(code)] = (entry.rejected[String(code)] ?? 0) + 1;
  }

  addFault(fault: Fault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The first matching fault that fires for this call, if any; a fault with `times` is used up. */
  takeFault(target: Target, api: string): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.target !== '*' && fault.target !== target) continue;
      if (fault.api !== '*' && fault.api !== api) continue;
      if (fault.times <= 0) continue;
      if (this.random() >= fault.rate) continue;
      fault.times -= 1;
      return fault;
    }
    return undefined;
  }

  snapshot(): { apis: Record<string, ApiStats> } {
    return { apis: Object.fromEntries([...this.stats].map(([api, entry]) => [api, { ...entry, rejected: { ...entry.rejected } }])) };
  }

  reset(): void {
    this.stats.clear();
    this.windows.clear();
    this.keyedWindows.clear();
    this.faults = [];
  }
}

export const parseFault = (body: unknown): Fault | string => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'a fault is a JSON object';
  const raw = body as Record<string, unknown>;
  const target = raw.target ?? '*';
  if (!['tencent', 'volc', 'secrets', '*'].includes(target as string)) return 'target must be tencent, volc, secrets or *';
  const api = raw.api ?? '*';
  if (typeof api !== 'string' || api === '') return 'api must be an API name or *';
  const rate = raw.rate ?? 1;
  if (typeof rate !== 'number' || rate < 0 || rate > 1) return 'rate must be a number from 0 to 1';
  const numberOrUndefined = (name: string, min: number, max: number): number | undefined | string => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return `${name} must be an integer from ${min} to ${max}`;
    return value;
  };
  const httpStatus = numberOrUndefined('httpStatus', 100, 599);
  const errorCode = numberOrUndefined('errorCode', 1, 999_999);
  const latencyMs = numberOrUndefined('latencyMs', 0, 600_000);
  const times = numberOrUndefined('times', 1, 1_000_000_000);
  for (const value of [httpStatus, errorCode, latencyMs, times]) if (typeof value === 'string') return value;
  return {
    target: target as Fault['target'],
    api,
    rate,
    httpStatus: httpStatus as number | undefined,
    errorCode: errorCode as number | undefined,
    latencyMs: latencyMs as number | undefined,
    times: (times as number | undefined) ?? Number.POSITIVE_INFINITY,
  };
};
