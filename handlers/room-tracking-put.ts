import { composeTrackingWrite } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { ROOM_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { readTrackingBody } from '#lib/http/tracking-body.ts';
import { appIdOrDefault, Issues, knownQuery, roomId } from '#lib/http/validate.ts';
import { trackingAnswer } from '#lib/tracking/answer.ts';
import { trackByApi } from '#lib/tracking/track-by-api.ts';

const ROUTE = '/v1/rooms/{roomId}/tracking';

// A room needs no upstream check: Volcengine answers roomExists false for a room not started yet,
// and tracking one ahead of its start is what a caller may well want.
export const handler = httpFunction(
  () => composeTrackingWrite(process.env),
  async ({ event, deadline }, { registry, defaultRtcAppId }) => {
    const issues = new Issues();
    const room = roomId(rawPathParam(event, 'roomId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, ROOM_QUERY, issues);
    const app = appIdOrDefault(query.appId, defaultRtcAppId, issues);
    issues.throwIfAny();
    const { ttlHours } = readTrackingBody(event, issues);
    issues.throwIfAny();
    const now = Date.now();
    const tracked = await trackByApi(registry, { kind: 'room', appId: app as string, roomId: room as string }, { ttlHours, now, deadline });
    return { body: trackingAnswer(tracked, now) };
  },
);
