import { createHash } from 'node:crypto';
import { authenticateWith, unauthenticated } from '#lib/callbacks/authenticate.ts';
import { RecentRenewals } from '#lib/callbacks/effects.ts';
import { countedCallback } from '#lib/callbacks/outcome.ts';
import { receiveOnce } from '#lib/callbacks/receive.ts';
import { checkTencentCallback, TENCENT_WINDOW_MS, tencentCallbackEffect } from '#lib/callbacks/tencent.ts';
import { composeTencentCallbacks } from '#lib/compose/callback-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { readJsonBody } from '#lib/http/json-body.ts';
import { Issues } from '#lib/http/validate.ts';

// POST /v1/callbacks/tencent: no AWS authorizer; Tencent's callback signature authenticates it.
// Only the registry write happens here, so the answer comes well inside Tencent's timeout.

const renewals = new RecentRenewals();
const TENCENT_OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };

export const handler = httpFunction(
  () => composeTencentCallbacks(process.env),
  async ({ event, deadline }, { secrets, registry, tracking }) =>
    countedCallback('tencent-im', async () => {
      const now = Date.now();
      const query = event.queryStringParameters ?? {};
      await authenticateWith('tencent', secrets, deadline, (secret) => checkTencentCallback(query, secret, now));
      const body = readJsonBody(event);
      const issues = new Issues();
      if (body === null || typeof body !== 'object' || Array.isArray(body)) issues.add('body', 'must be a JSON object');
      issues.throwIfAny();
      const effect = tencentCallbackEffect(query.CallbackCommand, body as Record<string, unknown>, issues);
      issues.throwIfAny();
      // Tencent's signature covers the token and the time only: the same request seen again within
      // the window is a replay, refused like any other unauthenticated call.
      const id = createHash('sha256').update(`${query.RequestTime}\n${query.Sign}\n${query.CallbackCommand}\n${event.body}`).digest('hex');
      const fresh = await receiveOnce(registry, { provider: 'tencent', id, rememberSeconds: (2 * TENCENT_WINDOW_MS) / 1000 }, effect, {
        idleMs: tracking.idleMs,
        now,
        renewals,
      });
      if (!fresh) throw unauthenticated('tencent', 'replayed');
      return { body: TENCENT_OK };
    }),
);
