import { composeTrackingWrite } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { groupId, Issues, knownQuery } from '#lib/http/validate.ts';
import { trackingAnswer } from '#lib/tracking/answer.ts';
import { untrackByApi } from '#lib/tracking/track-by-api.ts';

const ROUTE = '/v1/groups/{groupId}/tracking';

export const handler = httpFunction(
  () => composeTrackingWrite(process.env),
  async ({ event }, { registry }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    knownQuery(event.queryStringParameters, [], issues);
    issues.throwIfAny();
    const now = Date.now();
    return { body: trackingAnswer(await untrackByApi(registry, { kind: 'group', groupId: id as string }, now), now) };
  },
);
