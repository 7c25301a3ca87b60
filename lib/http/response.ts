import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from './api-error.ts';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export const jsonResponse = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
  body: JSON.stringify(body),
});

export const errorResponse = (error: ApiError, requestId: string): APIGatewayProxyStructuredResultV2 => {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return jsonResponse(
    error.statusCode,
    {
      error: {
        code: error.code,
        message: error.message,
        requestId,
        ...(error.details ? { details: error.details } : {}),
        ...(error.upstream ? { upstream: error.upstream } : {}),
      },
    },
    headers,
  );
};
