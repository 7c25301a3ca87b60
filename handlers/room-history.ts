import { composeHistory } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { HISTORY_QUERY, readHistoryQuery } from '#lib/http/history-query.ts';
import { ROOM_QUERY } from '#lib/http/inputs.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { appIdOrDefault, Issues, knownQuery, roomId } from '#lib/http/validate.ts';
import { roomPoint } from '#lib/snapshots/history-points.ts';
import { historyAnswer } from '#lib/snapshots/read-history.ts';
import { targetKey } from '#lib/snapshots/targets.ts';

const ROUTE = '/v1/rooms/{roomId}/online-users/history';

export const handler = httpFunction(
  () => composeHistory(process.env),
  async ({ event, deadline }, { store, defaultRtcAppId, rollupRetentionDays }) => {
    const issues = new Issues();
    const room = roomId(rawPathParam(event, 'roomId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, [...HISTORY_QUERY, ...ROOM_QUERY], issues);
    const app = appIdOrDefault(query.appId, defaultRtcAppId, issues);
    const key = room === undefined || app === undefined ? undefined : targetKey({ kind: 'room', appId: app, roomId: room });
    const range = readHistoryQuery(query, key, issues, Date.now(), rollupRetentionDays);
    issues.throwIfAny();
    const history = await historyAnswer(store, { key: key as string, ...(range as NonNullable<typeof range>) }, roomPoint, deadline);
    return { body: { roomId: room, appId: app, ...history } };
  },
);
