import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readRuntimeConfig } from '../config.ts';
import { Deadline } from '../deadline.ts';
import { ApiError } from '../errors.ts';
import { log } from '../log.ts';
import { UpstreamFailure } from '../upstream/failure.ts';
import { upstreamToApiError } from '../upstream/to-api-error.ts';
import { chooseRequestId } from './request-id.ts';
import { errorResponse, jsonResponse } from './response.ts';

// The one HTTP wrapper every endpoint uses: request ID, time budget, access log, and the
// mapping of every error to the contract's JSON body. Handlers return data or throw ApiError.

export interface HttpRequest {
  event: APIGatewayProxyEventV2;
  requestId: string;
  deadline: Deadline;
}

export interface HttpAnswer {
  statusCode?: number;
  body: unknown;
}

type HttpContext = Context & { requestId: string; startedAt: number };
type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

const runtime = readRuntimeConfig();

const requestContext = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => ({
  before: (request) => {
    request.context.startedAt = Date.now();
    request.context.requestId = chooseRequestId(request.event.headers, request.context.awsRequestId);
  },
});

const toErrorResponse = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => ({
  onError: (request) => {
    const error = request.error instanceof UpstreamFailure ? upstreamToApiError(request.error) : request.error;
    const requestId = request.context.requestId ?? chooseRequestId(request.event?.headers, request.context.awsRequestId);
    if (error instanceof ApiError) {
      request.response = errorResponse(error, requestId);
      return;
    }
    log.error('unhandled error', { requestId, error });
    request.response = errorResponse(new ApiError('INTERNAL', 'An internal error occurred.'), requestId);
  },
});

const finishResponse = (): middy.MiddlewareObj<Event, Result, Error, HttpContext> => {
  const finish = (request: middy.Request<Event, Result, Error, HttpContext>) => {
    const response = request.response ?? errorResponse(new ApiError('INTERNAL', 'An internal error occurred.'), request.context.requestId);
    response.headers = { ...response.headers, 'x-request-id': request.context.requestId };
    request.response = response;
    const code = request.error instanceof ApiError ? request.error.code : request.error ? 'INTERNAL' : undefined;
    log.info('request', {
      requestId: request.context.requestId,
      method: request.event.requestContext?.http?.method,
      path: request.event.rawPath,
      status: response.statusCode,
      durationMs: Date.now() - request.context.startedAt,
      ...(code ? { errorCode: code } : {}),
    });
  };
  return { after: finish, onError: finish };
};

export const httpHandler = (handle: (request: HttpRequest) => Promise<HttpAnswer>) =>
  middy<Event, Result, Error, HttpContext>()
    .use(requestContext())
    .use(finishResponse())
    .use(toErrorResponse())
    .handler(async (event, context) => {
      const deadline = Deadline.forInvocation(context.getRemainingTimeInMillis?.(), runtime.requestBudgetMs, runtime.answerReserveMs);
      const answer = await handle({ event, requestId: context.requestId, deadline });
      return jsonResponse(answer.statusCode ?? 200, answer.body);
    });
