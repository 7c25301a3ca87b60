import { ConfigError } from './config/env.ts';
import { Deadline } from './deadline.ts';
import { log } from './log.ts';
import { UpstreamFailure } from './upstream/failure.ts';

// Secrets are read from Secrets Manager (lib/aws/secrets-manager.ts), cached for a few minutes,
// and re-read on demand when an upstream rejects our signature, so a rotated key is picked up
// without a redeploy.

export interface SecretSource {
  /** Gives up by `deadline` with a typed failure; without one, after SECRET_READ_BUDGET_MS. */
  read(secretId: string, deadline?: Deadline): Promise<string>;
}

/** The longest one read may take (both attempts and the pause between); all of it only at init. */
export const SECRET_READ_BUDGET_MS = 4000;
/**
 * A read for a request ends this long before the request's deadline, so its own failure (what
 * Secrets Manager did, counted) reaches the caller rather than the caller's cut-off.
 */
const READ_RESERVE_MS = 100;

/** How long a read may take for a caller: the budget, cut to what the caller has left; the full budget without one (the init prefetch). */
export const secretReadDeadline = (caller: Deadline | undefined): Deadline =>
  Deadline.after(caller ? Math.min(SECRET_READ_BUDGET_MS, caller.remainingMs() - READ_RESERVE_MS) : SECRET_READ_BUDGET_MS);

export interface Versioned<T> {
  value: T;
  /** Increases on every successful read, so callers can tell whether a refresh brought something new. */
  version: number;
}

export interface SecretCacheOptions<T> {
  source: SecretSource;
  secretId: string;
  parse: (raw: string) => T;
  ttlMs: number;
  /** A forced re-read closer than this to the last read reuses it: many failing requests cause one read. */
  refreshCooldownMs?: number;
  /** After a re-read fails, the cached copy is served this long before the next try. */
  failureBackoffMs?: number;
  clock?: () => number;
}

export class SecretCache<T> {
  private readonly options: Required<SecretCacheOptions<T>>;
  private current: (Versioned<T> & { readAt: number }) | undefined;
  private inFlight: Promise<Versioned<T>> | undefined;
  private version = 0;
  /** When get() reads again: a TTL after a read, or a backoff after a failed one. */
  private readAgainAt = 0;

  constructor(options: SecretCacheOptions<T>) {
    this.options = { refreshCooldownMs: 1000, failureBackoffMs: 10_000, clock: Date.now, ...options };
  }

  get secretId(): string {
    return this.options.secretId;
  }

  /** `deadline` is the caller's (a request's): a read, or waiting for one, ends by it. Without one, as at init, a read may take SECRET_READ_BUDGET_MS. */
  async get(deadline?: Deadline): Promise<Versioned<T>> {
    const { current } = this;
    if (current && this.options.clock() < this.readAgainAt) return current;
    return this.load({ serveStaleOnError: true, deadline });
  }

  /** Re-read after an upstream rejected `staleVersion`; a newer copy already in hand is returned as is. */
  async refresh(staleVersion: number, deadline?: Deadline): Promise<Versioned<T>> {
    const { current } = this;
    if (current && (current.version > staleVersion || this.options.clock() - current.readAt < this.options.refreshCooldownMs)) {
      return current;
    }
    return this.load({ serveStaleOnError: false, deadline });
  }

  private load({ serveStaleOnError, deadline }: { serveStaleOnError: boolean; deadline: Deadline | undefined }): Promise<Versioned<T>> {
    this.inFlight ??= this.readNow(secretReadDeadline(deadline))
      .catch((error: unknown) => {
        // A brief Secrets Manager outage should not take the API down while we hold a copy, nor
        // make every request wait for a read that is likely to fail again.
        if (serveStaleOnError && this.current) {
          this.readAgainAt = this.options.clock() + this.options.failureBackoffMs;
          log.warn('secret re-read failed; serving the cached copy', { secretId: this.options.secretId, error });
          return this.current;
        }
        throw error;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return deadline ? this.waitNoLongerThan(this.inFlight, deadline, serveStaleOnError) : this.inFlight;
  }

  /**
   * A read already under way may have been started with more time than this caller has (the init
   * prefetch has the whole budget): the caller stops waiting at its deadline, the read goes on.
   */
  private waitNoLongerThan(read: Promise<Versioned<T>>, deadline: Deadline, serveStaleOnError: boolean): Promise<Versioned<T>> {
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<Versioned<T>>((resolve, reject) => {
      timer = setTimeout(() => {
        if (serveStaleOnError && this.current) resolve(this.current);
        else reject(new UpstreamFailure('unavailable', 'aws-secrets-manager', 'TIMEOUT', 'GetSecretValue failed'));
      }, deadline.remainingMs());
      timer.unref();
    });
    return Promise.race([read, cutOff]).finally(() => clearTimeout(timer));
  }

  private async readNow(readDeadline: Deadline): Promise<Versioned<T>> {
    let raw: string;
    try {
      raw = await this.options.source.read(this.options.secretId, readDeadline);
    } catch (error) {
      log.error('secret could not be read', { secretId: this.options.secretId, error: errorSummary(error) });
      throw new UpstreamFailure('unavailable', 'aws-secrets-manager', errorCode(error), 'GetSecretValue failed');
    }
    const value = this.options.parse(raw);
    this.version += 1;
    this.current = { value, version: this.version, readAt: this.options.clock() };
    this.readAgainAt = this.current.readAt + this.options.ttlMs;
    return this.current;
  }
}

/** What Secrets Manager said (`ResourceNotFoundException`, `TIMEOUT`, `ECONNREFUSED`), else the error's name. */
const errorCode = (error: unknown): string | number => {
  if (error instanceof UpstreamFailure) return error.code;
  return error instanceof Error ? error.name : 'Error';
};
const errorSummary = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) });

/**
 * Parses a JSON secret and checks the required fields exist, naming only missing fields, never
 * values. Optional fields are returned when present and non-blank.
 */
export const parseJsonSecret = <K extends string, O extends string = never>(
  secretName: string,
  fields: readonly K[],
  raw: string,
  optional: readonly O[] = [],
): Record<K, string> & Partial<Record<O, string>> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`the ${secretName} secret is not JSON`);
  }
  const record = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const present = (field: string): boolean => {
    const value = record[field];
    return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
  };
  const missing = fields.filter((field) => !present(field));
  if (missing.length > 0) throw new ConfigError(`the ${secretName} secret is missing ${missing.join(', ')}`);
  return Object.fromEntries([...fields, ...optional.filter(present)].map((field) => [field, String(record[field]).trim()])) as Record<K, string> &
    Partial<Record<O, string>>;
};
