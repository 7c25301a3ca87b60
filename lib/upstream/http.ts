import { UpstreamFailure } from './failure.ts';
import type { RateGate } from './rate-gate.ts';
import type { Deadline } from '../deadline.ts';
import type { Provider } from './failure.ts';

// Node's built-in fetch keeps connections alive per origin, so a warm Lambda reuses its TLS
// sessions to the upstream; nothing to configure.

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

const networkCode = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? 'NETWORK_ERROR';
};

export const sendRequest = async (
  provider: Provider,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<RawResponse> => {
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
  try {
    const response = await fetch(url, { ...init, signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) throw new UpstreamFailure('timeout', provider, 'TIMEOUT', `no answer within ${timeoutMs} ms`);
    throw new UpstreamFailure('network', provider, networkCode(error), 'the upstream could not be reached');
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
