import { ConfigError } from './config/env.ts';
import { log } from './log.ts';
import { UpstreamFailure } from './upstream/failure.ts';

// Secrets are read from Secrets Manager (lib/aws/secrets-manager.ts), cached for a few minutes,
// and re-read on demand when an upstream rejects our signature, so a rotated key is picked up
// without a redeploy.

export interface SecretSource {
  read(secretId: string, signal?: AbortSignal): Promise<string>;
}

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

  async get(): Promise<Versioned<T>> {
    const { current } = this;
    if (current && this.options.clock() < this.readAgainAt) return current;
    return this.load({ serveStaleOnError: true });
  }

  /** Re-read after an upstream rejected `staleVersion`; a newer copy already in hand is returned as is. */
  async refresh(staleVersion: number): Promise<Versioned<T>> {
    const { current } = this;
    if (current && (current.version > staleVersion || this.options.clock() - current.readAt < this.options.refreshCooldownMs)) {
      return current;
    }
    return this.load({ serveStaleOnError: false });
  }

  private load({ serveStaleOnError }: { serveStaleOnError: boolean }): Promise<Versioned<T>> {
    this.inFlight ??= this.readNow()
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
    return this.inFlight;
  }

  private async readNow(): Promise<Versioned<T>> {
    let raw: string;
    try {
      raw = await this.options.source.read(this.options.secretId, AbortSignal.timeout(4000));
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
