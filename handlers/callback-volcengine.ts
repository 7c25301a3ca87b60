import { createHash } from 'node:crypto';
import { authenticateWith } from '#lib/callbacks/authenticate.ts';
import { RecentRenewals } from '#lib/callbacks/effects.ts';
import { countedCallback } from '#lib/callbacks/outcome.ts';
import { receiveOnce } from '#lib/callbacks/receive.ts';
import { checkVolcCallback, readVolcEvent, VOLC_EVENT_MEMORY_SECONDS, volcCallbackEffect } from '#lib/callbacks/volcengine.ts';
import { composeVolcCallbacks } from '#lib/compose/callback-functions.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { readJsonBody } from '#lib/http/json-body.ts';
import { Issues } from '#lib/http/validate.ts';

// POST /v1/callbacks/volcengine: no AWS authorizer; the signature in the body authenticates it.
// Volcengine waits 5 s for an answer: only the registry write happens here.

const renewals = new RecentRenewals();

export const handler = httpFunction(
  () => composeVolcCallbacks(process.env),
  async ({ event, deadline }, { secrets, registry, tracking, defaultRtcAppId }) =>
    countedCallback('volcengine-rtc', async () => {
      const now = Date.now();
      const callback = readVolcEvent(readJsonBody(event));
      await authenticateWith('volcengine', secrets, deadline, (secret) => checkVolcCallback(callback, secret, defaultRtcAppId, now));
      const verified = callback as NonNullable<typeof callback>;
      const issues = new Issues();
      const effect = volcCallbackEffect(verified, issues);
      issues.throwIfAny();
      // Volcengine may deliver an event more than once; its EventId says which were seen.
      await receiveOnce(
        registry,
        { provider: 'volcengine', id: createHash('sha256').update(verified.EventId).digest('hex'), rememberSeconds: VOLC_EVENT_MEMORY_SECONDS },
        effect,
        { idleMs: tracking.idleMs, now, renewals },
      );
      return { body: { ok: true } };
    }),
);
