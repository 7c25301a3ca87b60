import { composeVolcApi } from '#lib/compose/upstream-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { ROOM_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { appIdOrDefault, Issues, knownQuery, roomId } from '#lib/http/validate.ts';
import { fetchRoomOnlineUsers } from '#lib/rooms/online-users.ts';

const ROUTE = '/v1/rooms/{roomId}/online-users';

export const handler = httpFunction(
  () => composeVolcApi(process.env),
  async ({ event, deadline }, { volc, defaultRtcAppId }) => {
    const issues = new Issues();
    const room = roomId(rawPathParam(event, 'roomId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, ROOM_QUERY, issues);
    const app = appIdOrDefault(query.appId, defaultRtcAppId, issues);
    issues.throwIfAny();
    return { body: await fetchRoomOnlineUsers(volc, app as string, room as string, deadline) };
  },
);
