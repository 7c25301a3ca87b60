// What went wrong below the HTTP edge, before anyone decides what it means to a caller. Every
// client, the secret cache and the store throw these and nothing else; the HTTP edge turns a
// failure into the contract's error (lib/http/to-api-error.ts) and the snapshot run into a gap
// reason of its own (lib/snapshots/gap-reason.ts), so neither depends on the other's vocabulary.

export const PROVIDERS = ['tencent-im', 'volcengine-rtc', 'aws-secrets-manager', 'aws-dynamodb'] as const;
export type Provider = (typeof PROVIDERS)[number];

export type FailureKind =
  | 'network' // no answer at the transport level: refused, reset, DNS
  | 'timeout' // no answer within the attempt's time
  | 'server' // the upstream said it failed: HTTP 5xx, Tencent 10002, Volcengine InternalError
  | 'bad-response' // an answer we cannot read: not JSON, wrong shape
  | 'rate-limited' // a frequency limit
  | 'auth' // signature, key, identity or region rejected
  | 'unavailable' // one of our own AWS dependencies failed after the SDK's own retries
  | 'invalid-argument' // the upstream rejected a parameter
  | 'invalid-group-id'
  | 'unsupported-group-type' // the API works on live-stream (AVChatRoom) groups only
  | 'group-not-found'
  | 'admin-limit' // setting admins would pass the live-stream group's limit
  | 'answer-too-large' // Tencent 10018: the caller should ask for less at once
  | 'rejected'; // any other refusal of this request

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

export const isFailureOfKind = (error: unknown, kind: FailureKind): error is UpstreamFailure => error instanceof UpstreamFailure && error.kind === kind;
