import { composeHistory } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { HISTORY_QUERY, readHistoryQuery } from '#lib/http/history-query.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { groupId, Issues, knownQuery } from '#lib/http/validate.ts';
import { groupPoint } from '#lib/snapshots/history-points.ts';
import { historyAnswer } from '#lib/snapshots/read-history.ts';
import { targetKey } from '#lib/snapshots/targets.ts';

const ROUTE = '/v1/groups/{groupId}/online-count/history';

export const handler = httpFunction(
  () => composeHistory(process.env),
  async ({ event, deadline }, { store, rollupRetentionDays }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    const query = knownQuery(event.queryStringParameters, HISTORY_QUERY, issues);
    const key = id === undefined ? undefined : targetKey({ kind: 'group', groupId: id });
    const range = readHistoryQuery(query, key, issues, Date.now(), rollupRetentionDays);
    issues.throwIfAny();
    const history = await historyAnswer(store, { key: key as string, ...(range as NonNullable<typeof range>) }, groupPoint, deadline);
    return { body: { groupId: id, ...history } };
  },
);
