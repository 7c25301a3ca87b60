import { composeTrackingList } from '#lib/compose/table-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { TARGET_KINDS, TRACKING_LIST_LIMIT, TRACKING_LIST_QUERY } from '#lib/http/inputs.ts';
import { Issues, integerInRange, knownQuery } from '#lib/http/validate.ts';
import { decodeListCursor, encodeListCursor, type ListCursor, listTracked, trackingListAnswer } from '#lib/tracking/list.ts';
import type { TargetKind } from '#lib/tracking/registry.ts';

export const handler = httpFunction(
  () => composeTrackingList(process.env),
  async ({ event, deadline }, { registry, store }) => {
    const issues = new Issues();
    const query = knownQuery(event.queryStringParameters, TRACKING_LIST_QUERY, issues);
    const kind =
      query.kind === undefined || (TARGET_KINDS as readonly string[]).includes(query.kind)
        ? (query.kind as TargetKind | undefined)
        : issues.add('kind', `must be ${TARGET_KINDS.join(' or ')}`);
    const limit = integerInRange(query.limit, 'limit', TRACKING_LIST_LIMIT, issues);
    let cursor: ListCursor | undefined;
    if (query.cursor !== undefined) {
      cursor = decodeListCursor(query.cursor, kind);
      if (!cursor) issues.add('cursor', 'is not a cursor of this listing; pass nextCursor from the previous page unchanged, with the same kind');
    }
    issues.throwIfAny();
    const now = Date.now();
    const signal = AbortSignal.timeout(Math.max(1, deadline.remainingMs()));
    const listed = await listTracked(registry, { kind, limit: limit as number, cursor, now, signal });
    return { body: await trackingListAnswer(store, listed, now, encodeListCursor, signal) };
  },
);
