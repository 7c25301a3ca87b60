import type { Deadline } from '#lib/deadline.ts';
import type { Provider } from './failure.ts';
import { UpstreamFailure } from './failure.ts';
import type { RateGate } from './rate-gate.ts';
import { type ResponseHeaders, transport } from './transport.ts';

// Every upstream call goes through `transport` (transport.ts: which one, and why, is in
// bench/ANALYSIS.md). Here: the attempt's timeout, and errors turned into failure kinds.

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

const networkCode = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? 'NETWORK_ERROR';
};

// Without touching the global `Headers`: in Node that getter loads undici, which a transport
// built on node:http never needs.
const headerRecord = (headers: RequestInit['headers']): Record<string, string> => {
  if (headers === undefined || headers === null) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  const iterable = headers as { forEach?: unknown };
  if (typeof iterable.forEach === 'function') {
    const record: Record<string, string> = {};
    (headers as Headers).forEach((value, name) => {
      record[name] = value;
    });
    return record;
  }
  return { ...(headers as Record<string, string>) };
};

/** Upstream requests carry JSON text or nothing; anything else is a programming error, not a network failure. */
const bodyText = (body: RequestInit['body']): string | undefined => {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  throw new TypeError('sendRequest sends text bodies only');
};

export const sendRequest = async (provider: Provider, url: string, init: RequestInit, timeoutMs: number): Promise<RawResponse> => {
  const method = init.method ?? 'GET';
  const headers = headerRecord(init.headers);
  const body = bodyText(init.body);
  // A plain timer rather than AbortSignal.timeout: that one's timer is unreferenced and lives only
  // as long as its signal, and an attempt was once seen outliving its timeout until Lambda's own
  // (the contract test of a lasting 60007, after heavy work in the test process). This timer is
  // held until the attempt settles, so the attempt always ends on time.
  const attemptTimeout = new AbortController();
  const timer = setTimeout(() => attemptTimeout.abort(new DOMException('attempt timed out', 'TimeoutError')), Math.max(1, Math.floor(timeoutMs)));
  // The caller's own signal (init.signal) ends the attempt too, and counts as running out of time.
  const signal = init.signal ? AbortSignal.any([attemptTimeout.signal, init.signal]) : attemptTimeout.signal;
  try {
    return await transport(url, { method, headers, body, signal });
  } catch (error) {
    if (signal.aborted) throw new UpstreamFailure('timeout', provider, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    throw new UpstreamFailure('network', provider, networkCode(error), 'the upstream could not be reached');
  } finally {
    clearTimeout(timer);
  }
};

export interface AttemptBudget {
  deadline: Deadline;
  attemptTimeoutMs: number;
  rateGate?: RateGate | undefined;
  /** Called once the attempt is really sent (after the gate and the budget check). */
  onSend?: () => void;
}

/**
 * One attempt within the caller's time budget. The rate gate can hold an attempt for a while
 * (a backed-up snapshot queue), so the timeout is taken from what is left after the gate, and an
 * attempt whose budget ran out at the gate is never sent.
 */
export const sendWithinBudget = async (provider: Provider, url: string, init: RequestInit, budget: AttemptBudget): Promise<RawResponse> => {
  const spent = () => new UpstreamFailure('timeout', provider, 'TIMEOUT', 'the time budget is spent');
  if (budget.deadline.expired()) throw spent();
  await budget.rateGate?.acquire();
  const timeoutMs = Math.min(budget.attemptTimeoutMs, budget.deadline.remainingMs());
  if (timeoutMs <= 0) throw spent();
  budget.onSend?.();
  return sendRequest(provider, url, init, timeoutMs);
};

export const parseJsonObject = (provider: Provider, raw: RawResponse): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(raw.text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through: the caller sees one kind of failure for every unreadable answer
  }
  throw new UpstreamFailure('bad-response', provider, `HTTP_${raw.status}`, 'the upstream answer is not a JSON object', raw.status);
};
