import { routeOf } from '#lib/http/routes.ts';

// API Gateway HTTP API (payload 2.0) events and Lambda contexts, for calling livegate's handlers
// outside Lambda and serverless-offline. Only what the handlers read is filled in.

export type HttpHandler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

export interface HttpEvent {
  /** The route API Gateway matched (`GET /v1/tracking`, `$default`). */
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  queryStringParameters: Record<string, string> | undefined;
  headers: Record<string, string>;
  requestContext: { http: { method: string } };
  body?: string;
}

/** A request as API Gateway hands it over; a body is sent as JSON. */
export const httpEvent = (method: string, rawPath: string, options: { query?: Record<string, string>; body?: string } = {}): HttpEvent => {
  const query = options.query ?? {};
  return {
    routeKey: routeOf(method, rawPath),
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    requestContext: { http: { method } },
    ...(options.body === undefined ? {} : { body: options.body }),
  };
};

// Self-contained on purpose: the cold-start benchmark inlines its source into the plain JavaScript
// runner it starts for each measurement.
export const lambdaContext = (awsRequestId: string, remainingMs = 10_000) => ({ awsRequestId, getRemainingTimeInMillis: () => remainingMs });
