import { composeTrackingWrite } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { ROOM_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { appIdOrDefault, Issues, knownQuery, roomId } from '#lib/http/validate.ts';
import { trackingAnswer } from '#lib/tracking/answer.ts';
import { untrackByApi } from '#lib/tracking/track-by-api.ts';

const ROUTE = '/v1/rooms/{roomId}/tracking';

export const handler = httpFunction(
  () => composeTrackingWrite(process.env),
  async ({ event }, { registry, defaultRtcAppId }) => {
    const issues = new Issues();
    const room = roomId(rawPathParam(event, 'roomId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, ROOM_QUERY, issues);
    const app = appIdOrDefault(query.appId, defaultRtcAppId, issues);
    issues.throwIfAny();
    const now = Date.now();
    return { body: trackingAnswer(await untrackByApi(registry, { kind: 'room', appId: app as string, roomId: room as string }, now), now) };
  },
);
