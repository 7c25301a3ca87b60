import type { Provider } from '#lib/upstream/failure.ts';

// The error vocabulary of ../shared/API.md, used by the HTTP edge only: validation throws it,
// and lib/http/to-api-error.ts turns every typed failure from below into one. Anything else that
// reaches the edge is a bug and is answered as INTERNAL without its message.

/** Every contract error code and its HTTP status; the OpenAPI description (lib/openapi/) is built from it too. */
export const ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  INVALID_GROUP_ID: 400,
  UNSUPPORTED_GROUP_TYPE: 403,
  GROUP_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ADMIN_LIMIT_EXCEEDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPSTREAM_RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_AUTH_FAILED: 502,
  UPSTREAM_TIMEOUT: 504,
  UNAUTHENTICATED: 401,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  field: string;
  issue: string;
}

export interface UpstreamCause {
  provider: Provider;
  code: number | string;
  info: string;
}

export interface ApiErrorOptions {
  details?: FieldIssue[];
  upstream?: UpstreamCause;
  retryAfterSeconds?: number;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: FieldIssue[] | undefined;
  readonly upstream: UpstreamCause | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.details = options.details;
    this.upstream = options.upstream;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
  }
}

export const invalidArgument = (details: FieldIssue[], message = 'The request is not valid.'): ApiError =>
  new ApiError('INVALID_ARGUMENT', message, { details });
