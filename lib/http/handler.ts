import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigError } from '#lib/config/env.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { ApiError } from './api-error.ts';
import { chooseRequestId } from './request-id.ts';
import { errorResponse, jsonResponse } from './response.ts';
import { routeOf } from './routes.ts';
import { toApiError } from './to-api-error.ts';

// The one HTTP wrapper every endpoint uses: request ID, time budget, access log, and the
// mapping of every error to the contract's JSON body. Handlers return data, or throw ApiError
// for bad input; whatever the library below throws is mapped once, by toApiError.

export interface HttpRequest {
  event: APIGatewayProxyEventV2;
  requestId: string;
  deadline: Deadline;
}

export type HttpAnswer =
  | { statusCode?: number; body: unknown }
  /** A body that is not JSON (the dashboard's files), answered as it is with these headers. */
  | { statusCode?: number; text: string; headers: Record<string, string> };

type HttpContext = Context & { requestId: string; startedAt: number };
type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

const requestContext = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => ({
  before: (request) => {
    request.context.startedAt = Date.now();
    request.context.requestId = chooseRequestId(request.event.headers, request.context.awsRequestId);
  },
});

const toErrorResponse = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => ({
  onError: (request) => {
    const requestId = request.context.requestId ?? chooseRequestId(request.event?.headers, request.context.awsRequestId);
    const apiError = toApiError(request.error);
    if (!apiError || request.error instanceof ConfigError) log.error('unhandled error', { requestId, error: request.error });
    request.response = errorResponse(apiError ?? new ApiError('INTERNAL', 'An internal error occurred.'), requestId);
  },
});

const finishResponse = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => {
  const finish = (request: middy.Request<Event, Result, Error, HttpContext>) => {
    const response = request.response ?? errorResponse(new ApiError('INTERNAL', 'An internal error occurred.'), request.context.requestId);
    response.headers = { ...response.headers, 'x-request-id': request.context.requestId };
    request.response = response;
    const code = request.error ? (toApiError(request.error)?.code ?? 'INTERNAL') : undefined;
    const method = request.event.requestContext?.http?.method;
    const durationMs = Date.now() - request.context.startedAt;
    log.info('request', {
      requestId: request.context.requestId,
      method,
      path: request.event.rawPath,
      status: response.statusCode,
      durationMs,
      ...(code ? { errorCode: code } : {}),
    });
    countRequest(routeDimension(request.event), durationMs, code);
  };
  return { after: finish, onError: finish };
};

/**
 * API Gateway's own name of the route it matched (`GET /v1/groups/{groupId}/online-count`,
 * `$default` for the catch-all): bounded and exact, whatever the path looked like. An event that
 * did not come through API Gateway (a direct invoke, the benchmarks) has none; its route is
 * worked out from the path the way API Gateway would match it.
 */
const routeDimension = (event: Event): string => event.routeKey || routeOf(event.requestContext?.http?.method, event.rawPath);

/** The request's metrics, written with everything else the invocation counted (its upstream calls). */
const countRequest = (route: string, durationMs: number, code: string | undefined): void => {
  metrics.add(Metric.Requests, 1, { route });
  metrics.add(Metric.Latency, durationMs, { route });
  if (code) metrics.add(Metric.ErrorResponses, 1, { route, code });
  metrics.flush();
};

/**
 * The Lambda handler of one HTTP function. `compose` is the function's composition root, run once
 * at init; if its configuration is invalid the error is logged once and every request answers the
 * contract's INTERNAL error (never API Gateway's bare 500) until the deployment is fixed.
 */
export const httpFunction = <Root extends { runtime: RuntimeConfig }>(
  compose: () => Root,
  handle: (request: HttpRequest, root: Root) => Promise<HttpAnswer>,
) => {
  let root: Root | undefined;
  let initError: unknown;
  try {
    root = compose();
  } catch (error) {
    initError = error;
    log.error('configuration is invalid; every request answers INTERNAL until it is fixed', { error });
  }
  return middy<Event, Result, Error, HttpContext>()
    .use(requestContext())
    .use(finishResponse())
    .use(toErrorResponse())
    .handler(async (event, context) => {
      if (!root) throw initError;
      const { runtime } = root;
      const deadline = Deadline.forInvocation(context.getRemainingTimeInMillis?.(), runtime.requestBudgetMs, runtime.answerReserveMs);
      const answer = await handle({ event, requestId: context.requestId, deadline }, root);
      if ('text' in answer) return { statusCode: answer.statusCode ?? 200, headers: answer.headers, body: answer.text };
      return jsonResponse(answer.statusCode ?? 200, answer.body);
    });
};
