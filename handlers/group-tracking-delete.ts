import { composeTrackingWrite } from '#lib/compose/table-functions.ts';
import { groupIdOnly } from '#lib/http/group-path.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { trackingAnswer } from '#lib/tracking/answer.ts';
import { untrackByApi } from '#lib/tracking/track-by-api.ts';

const ROUTE = '/v1/groups/{groupId}/tracking';

export const handler = httpFunction(
  () => composeTrackingWrite(process.env),
  async ({ event }, { registry }) => {
    const id = groupIdOnly(event, ROUTE);
    const now = Date.now();
    return { body: trackingAnswer(await untrackByApi(registry, { kind: 'group', groupId: id }, now), now) };
  },
);
