import { composeGroupTracking } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { readTrackingBody } from '#lib/http/tracking-body.ts';
import { groupId, Issues, knownQuery } from '#lib/http/validate.ts';
import { trackingAnswer } from '#lib/tracking/answer.ts';
import { trackByApi } from '#lib/tracking/track-by-api.ts';

const ROUTE = '/v1/groups/{groupId}/tracking';

export const handler = httpFunction(
  () => composeGroupTracking(process.env),
  async ({ event, deadline }, { registry, tencent }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    knownQuery(event.queryStringParameters, [], issues);
    issues.throwIfAny();
    const { ttlHours } = readTrackingBody(event, issues);
    issues.throwIfAny();
    const now = Date.now();
    const tracked = await trackByApi(registry, { kind: 'group', groupId: id as string }, { ttlHours, now, tencent, deadline });
    return { body: trackingAnswer(tracked, now) };
  },
);
