import type { Deadline } from '#lib/deadline.ts';
import { ApiError } from '#lib/http/api-error.ts';
import { log } from '#lib/log.ts';
import type { SecretCache } from '#lib/secrets.ts';

// A callback is authenticated against the secret as cached; when its signature does not match,
// the secret is read again once (rate-limited by the cache) so a rotated token is picked up
// without a redeploy, and the signature checked once more.

export type Refusal = 'missing-signature' | 'wrong-signature' | 'outside-time-window' | 'foreign-app' | 'replayed' | 'no-callback-secret';

const MESSAGES: Record<Refusal, string> = {
  'missing-signature': 'The callback carries no signature.',
  'wrong-signature': 'The callback signature is wrong.',
  'outside-time-window': 'The callback is outside its time window.',
  'foreign-app': 'The callback is for another application.',
  replayed: 'The callback was received before.',
  'no-callback-secret': 'Callbacks cannot be authenticated: no callback secret is configured.',
};

/** The 401 of a refused callback, with why it was refused (for the CallbacksRejected metric). */
export class CallbackRefused extends ApiError {
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super('UNAUTHENTICATED', MESSAGES[refusal]);
    this.refusal = refusal;
  }
}

export const unauthenticated = (provider: string, refusal: Refusal): ApiError => {
  log.warn('callback refused', { provider, refusal });
  if (refusal === 'no-callback-secret') log.error('the provider secret has no callback secret field; every callback is refused', { provider });
  return new CallbackRefused(refusal);
};

/**
 * Resolves with the secret the callback verified against; throws 401 UNAUTHENTICATED otherwise.
 * A secret read ends by the request's deadline, so a slow Secrets Manager is answered as the
 * contract's error before the provider (or Lambda) gives up on us.
 */
export const authenticateWith = async <S>(
  provider: string,
  secrets: SecretCache<S>,
  deadline: Deadline,
  check: (secret: S) => Refusal | undefined,
): Promise<S> => {
  let secret = await secrets.get(deadline);
  let refusal = check(secret.value);
  if (refusal === 'wrong-signature' || refusal === 'no-callback-secret') {
    secret = await secrets.refresh(secret.version, deadline);
    refusal = check(secret.value);
  }
  if (refusal) throw unauthenticated(provider, refusal);
  return secret.value;
};
