import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invalidArgument } from './api-error.ts';

/**
 * A path parameter as the caller sent it, decoded by us. API Gateway's own pathParameters are
 * already decoded, which hides bad percent-encoding; reading the raw segment lets us reject it.
 * The segment is found by aligning the route template with the end of rawPath, so a stage
 * prefix in front of the path does not matter.
 */
export const rawPathParam = (event: APIGatewayProxyEventV2, name: string, routeTemplate: string): string => {
  const template = routeTemplate.split('/').filter(Boolean);
  const segments = (event.rawPath ?? '').split('/').filter(Boolean);
  const position = template.indexOf(`{${name}}`);
  const raw = segments[segments.length - template.length + position];
  if (position < 0 || raw === undefined) {
    const decoded = event.pathParameters?.[name];
    if (decoded === undefined) throw invalidArgument([{ field: name, issue: 'is required' }]);
    return decoded;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidArgument([{ field: name, issue: 'is not valid percent-encoded UTF-8' }]);
  }
};
