import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiError, invalidArgument } from './api-error.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const isJsonMediaType = (contentType: string): boolean => {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/** The request body as parsed JSON, after the size and media-type checks of the contract. */
export const readJsonBody = (event: APIGatewayProxyEventV2): unknown => {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw invalidArgument([{ field: 'body', issue: 'is required' }]);
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  const contentType = event.headers?.['content-type'];
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON, sent as content-type: application/json.');
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body is not valid JSON.');
  }
};
