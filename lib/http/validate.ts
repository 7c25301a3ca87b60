import { type FieldIssue, invalidArgument } from './api-error.ts';

// Validators for path, query and body values. Each returns the parsed value or records an
// issue, so one answer can list every problem of a request at once.

export class Issues {
  readonly list: FieldIssue[] = [];

  add(field: string, issue: string): undefined {
    this.list.push({ field, issue });
    return undefined;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw invalidArgument(this.list);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in input is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
export const hasControlCharacters = (value: string): boolean => CONTROL_CHARS.test(value);
const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

const GROUP_ID_MAX_BYTES = 48;
export const groupId = (value: string, issues: Issues, field = 'groupId'): string | undefined => {
  if (value.length === 0) return issues.add(field, 'must not be empty');
  if (utf8Bytes(value) > GROUP_ID_MAX_BYTES) return issues.add(field, `must be at most ${GROUP_ID_MAX_BYTES} bytes of UTF-8`);
  if (CONTROL_CHARS.test(value)) return issues.add(field, 'must not contain control characters');
  if (/[\ud800-\udfff]/.test(value) && !value.isWellFormed()) return issues.add(field, 'must be valid UTF-8');
  return value;
};

const ROOM_ID = /^[A-Za-z0-9@._-]{1,128}$/;
export const roomId = (value: string, issues: Issues, field = 'roomId'): string | undefined =>
  ROOM_ID.test(value) ? value : issues.add(field, 'must be 1-128 characters of A-Z, a-z, 0-9, @ . _ -');

export const appId = (value: string, issues: Issues, field = 'appId'): string | undefined =>
  ROOM_ID.test(value) ? value : issues.add(field, 'must be 1-128 characters of A-Z, a-z, 0-9, @ . _ -');

/** The `appId` query value, else the configured default; an issue when there is neither. */
export const appIdOrDefault = (raw: string | undefined, defaultAppId: string | undefined, issues: Issues): string | undefined => {
  if (raw !== undefined) return appId(raw, issues);
  return defaultAppId ?? issues.add('appId', 'is required: no default RTC AppId is configured');
};

const DIGITS = /^[0-9]{1,10}$/;
export const integerInRange = (
  raw: string | undefined,
  field: string,
  range: { min: number; max: number; fallback: number },
  issues: Issues,
): number | undefined => {
  if (raw === undefined) return range.fallback;
  const value = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    return issues.add(field, `must be an integer from ${range.min} to ${range.max}`);
  }
  return value;
};

/** A comma-separated list whose items must come from `allowed`; undefined when the parameter is absent. */
export const enumList = <T extends string>(raw: string | undefined, field: string, allowed: readonly T[], issues: Issues): T[] | undefined => {
  if (raw === undefined) return undefined;
  const items = raw.split(',');
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || items.length === 0) {
    return issues.add(field, `must be a comma list of ${allowed.join(',')}`);
  }
  return [...new Set(items as T[])];
};

const CUSTOM_FIELD_KEY = /^[\x21-\x2b\x2d-\x7e]{1,64}$/;
export const keyList = (raw: string | undefined, field: string, maxItems: number, issues: Issues): string[] | undefined => {
  if (raw === undefined) return undefined;
  const items = raw.split(',');
  if (items.length > maxItems || items.some((item) => !CUSTOM_FIELD_KEY.test(item))) {
    return issues.add(field, `must be a comma list of 1 to ${maxItems} keys, each 1-64 printable ASCII characters`);
  }
  return [...new Set(items)];
};

/** Rejects query parameters the endpoint does not know, so a typo is not silently ignored. */
export const knownQuery = (
  query: Record<string, string | undefined> | undefined,
  known: readonly string[],
  issues: Issues,
): Record<string, string | undefined> => {
  const params = query ?? {};
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) issues.add(name, `is not a parameter of this endpoint (known: ${known.join(', ') || 'none'})`);
  }
  return params;
};
