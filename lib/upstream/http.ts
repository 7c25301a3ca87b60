import { UpstreamFailure } from './failure.ts';
import type { Provider } from '../errors.ts';

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

export const parseJsonObject = (provider: Provider, raw: RawResponse): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(raw.text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through: the caller sees one kind of failure for every unreadable answer
  }
  throw new UpstreamFailure('bad-response', provider, `HTTP_${raw.status}`, 'the upstream answer is not a JSON object', raw.status);
};
