import { httpHandler } from '../lib/http/handler.ts';
import { rawPathParam } from '../lib/http/path.ts';
import { Issues, appId, knownQuery, roomId } from '../lib/http/validate.ts';
import { fetchRoomOnlineUsers } from '../lib/rooms/online-users.ts';
import { prefetch, volcClient } from '../lib/services.ts';

const ROUTE = '/v1/rooms/{roomId}/online-users';
prefetch(() => volcClient().warm());

export const handler = httpHandler(async ({ event, deadline }) => {
  const issues = new Issues();
  const room = roomId(rawPathParam(event, 'roomId', ROUTE), issues);
  const query = knownQuery(event.queryStringParameters, ['appId'], issues);
  const app = query.appId === undefined ? undefined : appId(query.appId, issues);
  issues.throwIfAny();
  const client = volcClient();
  return { body: await fetchRoomOnlineUsers(client, app ?? (await client.defaultAppId()), room as string, deadline) };
});
