import type { Provider } from '../errors.ts';

// What went wrong upstream, before it is turned into the contract's error. The kind decides
// whether a retry can help; the provider's code decides which contract error it becomes.
export type FailureKind =
  | 'network' // no answer at the transport level: refused, reset, DNS
  | 'timeout' // no answer within the attempt's time
  | 'server' // the upstream said it failed: HTTP 5xx, Tencent 10002, Volcengine InternalError
  | 'bad-response' // an answer we cannot read: not JSON, wrong shape
  | 'rate-limited' // a frequency limit
  | 'auth' // signature, key, identity or region rejected
  | 'rejected'; // the upstream refused this request for a reason of its own

const TRANSIENT: ReadonlySet<FailureKind> = new Set(['network', 'timeout', 'server', 'bad-response', 'rate-limited']);

export class UpstreamFailure extends Error {
  readonly kind: FailureKind;
  readonly provider: Provider;
  readonly code: number | string;
  readonly info: string;
  readonly httpStatus: number | undefined;

  constructor(kind: FailureKind, provider: Provider, code: number | string, info: string, httpStatus?: number) {
    super(`${provider} ${kind}: ${code} ${info}`);
    this.name = 'UpstreamFailure';
    this.kind = kind;
    this.provider = provider;
    this.code = code;
    this.info = info;
    this.httpStatus = httpStatus;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

export const isTransientFailure = (error: unknown): boolean => error instanceof UpstreamFailure && error.transient;
