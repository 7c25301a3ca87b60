import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readJsonBody } from './json-body.ts';

/** The parsed JSON body, or undefined when the request has none (same checks as readJsonBody otherwise). */
export const readOptionalJsonBody = (event: APIGatewayProxyEventV2): unknown =>
  event.body === undefined || event.body === null || event.body === '' ? undefined : readJsonBody(event);
