import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { rawPathParam } from './path.ts';
import { groupId, Issues, knownQuery } from './validate.ts';

/**
 * The group ID of a `/v1/groups/{groupId}/...` route that takes no query parameter: checked, or
 * INVALID_ARGUMENT listing every problem of the path and query at once.
 */
export const groupIdOnly = (event: APIGatewayProxyEventV2, route: string): string => {
  const issues = new Issues();
  const id = groupId(rawPathParam(event, 'groupId', route), issues);
  knownQuery(event.queryStringParameters, [], issues);
  issues.throwIfAny();
  return id as string;
};
