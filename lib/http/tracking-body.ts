import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readOptionalJsonBody } from './optional-json-body.ts';
import type { Issues } from './validate.ts';

export const MAX_TTL_HOURS = 720;

/** The optional body of PUT .../tracking: `{ "ttlHours": 1..720 }`; no body tracks until deleted. */
export const readTrackingBody = (event: APIGatewayProxyEventV2, issues: Issues): { ttlHours: number | undefined } => {
  const body = readOptionalJsonBody(event);
  if (body === undefined) return { ttlHours: undefined };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    issues.add('body', 'must be a JSON object such as {"ttlHours": 24}, or left out');
    return { ttlHours: undefined };
  }
  for (const key of Object.keys(body)) if (key !== 'ttlHours') issues.add(key, 'is not a field of this request');
  const { ttlHours } = body as { ttlHours?: unknown };
  if (ttlHours === undefined) return { ttlHours: undefined };
  if (typeof ttlHours !== 'number' || !Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > MAX_TTL_HOURS) {
    issues.add('ttlHours', `must be an integer from 1 to ${MAX_TTL_HOURS}`);
    return { ttlHours: undefined };
  }
  return { ttlHours };
};
