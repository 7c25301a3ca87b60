import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sleep } from '#lib/sleep.ts';
import type { EmulatorCredentials } from './credentials.ts';

// The providers' callbacks, played by the emulator when its control API changes a group or a
// room (docs/EMULATOR.md): Tencent Chat third-party callbacks and Volcengine RTC event callbacks,
// signed as the providers sign them, retried as Volcengine retries, and logged attempt by attempt
// (never with a signature or a token).

export interface CallbackTargets {
  /** Tencent Chat callback URL (env EMULATOR_TENCENT_CALLBACK_URL); none: no Tencent callback is sent. */
  tencentUrl?: string;
  /** Volcengine RTC callback URL (env EMULATOR_VOLC_CALLBACK_URL); none: no Volcengine callback is sent. */
  volcUrl?: string;
  /** How long one attempt may take before it counts as unanswered; 5000 unless set. */
  attemptTimeoutMs?: number;
  /** Pause between attempts; 100 unless set. */
  retryDelayMs?: number;
}

export type CallbackProvider = 'tencent' | 'volc';

/** One delivery attempt, as GET /_emulator/callbacks lists it. */
export interface CallbackAttempt {
  provider: CallbackProvider;
  /** Tencent: the CallbackCommand. */
  command?: string;
  /** Volcengine: the EventType and EventId (the same on every attempt of one event). */
  eventType?: string;
  eventId?: string;
  /** The URL posted to, without the Sign value. */
  url: string;
  attempt: number;
  /** The receiver's HTTP status, or null when it did not answer (`error` says why). */
  status: number | null;
  error?: string;
  at: string;
}

/** What became of one callback, as the control request that caused it answers. */
export interface CallbackOutcome {
  provider: CallbackProvider;
  command?: string;
  eventType?: string;
  delivered: boolean;
  attempts: number;
  status: number | null;
}

/** A first attempt and two retries, as Volcengine does (and Tencent here). */
export const CALLBACK_ATTEMPTS = 3;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 5000;
const DEFAULT_RETRY_DELAY_MS = 100;
const TENCENT_CALLBACK_PARAMETERS = { contenttype: 'json', ClientIP: '127.0.0.1', OptPlatform: 'RESTAPI' } as const;
const VOLC_CALLBACK_VERSION = '2020-12-01';
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Tencent's callback Sign: SHA-256 (lower-case hex) of the callback token followed by RequestTime. */
export const tencentCallbackSign = (token: string, requestTime: string): string => sha256Hex(`${token}${requestTime}`);

/** Volcengine's callback Signature: SHA-256 of the seven string fields and the secret, sorted, joined. */
export const volcCallbackSignature = (fields: readonly string[], secret: string): string => sha256Hex([...fields, secret].sort().join(''));

const nonce = (): string => [...randomBytes(4)].map((byte) => NONCE_ALPHABET[byte % NONCE_ALPHABET.length]).join('');

/** Environment variables of the callback targets, for `npm run emulator` and `npm start`. */
export const callbackTargetsFromEnv = (env: Record<string, string | undefined> = process.env): CallbackTargets => ({
  ...(env.EMULATOR_TENCENT_CALLBACK_URL ? { tencentUrl: env.EMULATOR_TENCENT_CALLBACK_URL } : {}),
  ...(env.EMULATOR_VOLC_CALLBACK_URL ? { volcUrl: env.EMULATOR_VOLC_CALLBACK_URL } : {}),
});

export class CallbackSender {
  private targets: CallbackTargets;
  private readonly credentials: () => EmulatorCredentials;
  private readonly clock: () => number;
  private attempts: CallbackAttempt[] = [];

  /** `credentials` is read at each callback: a rotation through the control API changes what signs. */
  constructor(targets: CallbackTargets, credentials: () => EmulatorCredentials, clock: () => number) {
    this.targets = targets;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** Where callbacks go from now on (`PUT /_emulator/callbacks/targets`); URLs left out stop theirs. */
  retarget(urls: Pick<CallbackTargets, 'tencentUrl' | 'volcUrl'>): CallbackTargets {
    const { tencentUrl: _tencent, volcUrl: _volc, ...timing } = this.targets;
    this.targets = { ...timing, ...urls };
    return this.targets;
  }

  log(): CallbackAttempt[] {
    return this.attempts.map((attempt) => ({ ...attempt }));
  }

  reset(): void {
    this.attempts = [];
  }

  /** Sends a Tencent Chat callback with `fields` (EventTime is added); undefined when no URL is set. */
  async tencent(command: string, fields: Record<string, unknown>): Promise<CallbackOutcome | undefined> {
    const { tencentUrl } = this.targets;
    if (!tencentUrl) return undefined;
    const body = JSON.stringify({ CallbackCommand: command, ...fields, EventTime: this.clock() });
    // Each attempt is signed at its own RequestTime, so a retry is never outside the receiver's window.
    const urls = () => {
      const requestTime = String(Math.floor(this.clock() / 1000));
      const unsigned = new URL(tencentUrl);
      unsigned.searchParams.set('SdkAppid', String(this.credentials().tencent.sdkAppId));
      unsigned.searchParams.set('CallbackCommand', command);
      for (const [name, value] of Object.entries(TENCENT_CALLBACK_PARAMETERS)) unsigned.searchParams.set(name, value);
      const signed = new URL(unsigned);
      signed.searchParams.set('Sign', tencentCallbackSign(this.credentials().tencent.callbackToken, requestTime));
      signed.searchParams.set('RequestTime', requestTime);
      unsigned.searchParams.set('RequestTime', requestTime);
      return { signed: signed.toString(), listed: unsigned.toString() };
    };
    return this.deliver({ provider: 'tencent', command }, urls, body);
  }

  /** Sends a Volcengine RTC event callback for `appId`; undefined when no URL is set. */
  async volc(eventType: string, appId: string, eventData: Record<string, unknown>): Promise<CallbackOutcome | undefined> {
    const { volcUrl } = this.targets;
    if (!volcUrl) return undefined;
    const event = {
      EventType: eventType,
      EventData: JSON.stringify(eventData),
      EventTime: new Date(this.clock()).toISOString(),
      EventId: randomUUID(),
      AppId: appId,
      Version: VOLC_CALLBACK_VERSION,
      Nonce: nonce(),
    };
    // One event, one signature: every retry carries the same EventId, so the receiver can drop repeats.
    const body = JSON.stringify({ ...event, Signature: volcCallbackSignature(Object.values(event), this.credentials().volc.callbackSecret) });
    return this.deliver({ provider: 'volc', eventType, eventId: event.EventId }, () => ({ signed: volcUrl, listed: volcUrl }), body);
  }

  private async deliver(
    what: Pick<CallbackAttempt, 'provider' | 'command' | 'eventType' | 'eventId'>,
    urls: () => { signed: string; listed: string },
    body: string,
  ): Promise<CallbackOutcome> {
    const timeoutMs = this.targets.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    let status: number | null = null;
    let attempt = 0;
    while (attempt < CALLBACK_ATTEMPTS) {
      attempt += 1;
      const { signed, listed } = urls();
      const at = new Date(this.clock()).toISOString();
      let error: string | undefined;
      try {
        const response = await fetch(signed, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch (caught) {
        status = null;
        error = (caught as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the receiver could not be reached';
      }
      this.attempts.push({ ...what, url: listed, attempt, status, ...(error ? { error } : {}), at });
      if (status === 200) break;
      if (attempt < CALLBACK_ATTEMPTS) await sleep(this.targets.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
    }
    const { eventId: _eventId, ...named } = what;
    return { ...named, delivered: status === 200, attempts: attempt, status };
  }
}
