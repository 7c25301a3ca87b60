// The one parser of a function's environment. In AWS the environment holds names, ARNs and
// numbers only; secret values are read from Secrets Manager at run time. Every reader names the
// variable at fault, so a typo in a deployment fails at init with a message that says where.

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface NumberRange {
  fallback: number;
  min: number;
  max: number;
  integer?: boolean;
}

export class EnvReader {
  private readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  /** The trimmed value; an empty value counts as unset, as CloudFormation writes unset parameters. */
  text(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  required(name: string): string {
    const value = this.text(name);
    if (value === undefined) throw new ConfigError(`${name} is not set`);
    return value;
  }

  number(name: string, range: NumberRange): number {
    const raw = this.text(name);
    if (raw === undefined) return range.fallback;
    const value = Number(raw);
    const wholeNumber = range.integer ?? true;
    if (!Number.isFinite(value) || (wholeNumber && !Number.isInteger(value)) || value < range.min || value > range.max) {
      throw new ConfigError(`${name} must be ${wholeNumber ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}, got "${raw}"`);
    }
    return value;
  }

  optionalNumber(name: string, range: Omit<NumberRange, 'fallback'>): number | undefined {
    return this.text(name) === undefined ? undefined : this.number(name, { ...range, fallback: 0 });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return raw as T;
  }

  url(name: string): string | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    let protocol: string;
    try {
      protocol = new URL(raw).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
    return raw.replace(/\/+$/, '');
  }

  /** A comma list; blanks are dropped. */
  list(name: string): string[] {
    return (this.text(name) ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  }
}
