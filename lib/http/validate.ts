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

// The patterns and limits below are exported for the OpenAPI description (lib/openapi/), which
// states them from these same values.

/** C0 and C1 control characters, as the inside of a regular-expression class. */
export const CONTROL_CHARACTER_CLASS = '\\u0000-\\u001f\\u007f-\\u009f';
const CONTROL_CHARS = new RegExp(`[${CONTROL_CHARACTER_CLASS}]`);
export const hasControlCharacters = (value: string): boolean => CONTROL_CHARS.test(value);
const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

export const GROUP_ID_MAX_BYTES = 48;
export const groupId = (value: string, issues: Issues, field = 'groupId'): string | undefined => {
  if (value.length === 0) return issues.add(field, 'must not be empty');
  if (utf8Bytes(value) > GROUP_ID_MAX_BYTES) return issues.add(field, `must be at most ${GROUP_ID_MAX_BYTES} bytes of UTF-8`);
  if (CONTROL_CHARS.test(value)) return issues.add(field, 'must not contain control characters');
  if (/[\ud800-\udfff]/.test(value) && !value.isWellFormed()) return issues.add(field, 'must be valid UTF-8');
  return value;
};

/** A Volcengine room ID, and an RTC AppId. */
export const ROOM_ID_PATTERN = '^[A-Za-z0-9@._-]{1,128}$';
const ROOM_ID = new RegExp(ROOM_ID_PATTERN);
export const roomId = (value: string, issues: Issues, field = 'roomId'): string | undefined =>
  ROOM_ID.test(value) ? value : issues.add(field, 'must be 1-128 characters of A-Z, a-z, 0-9, @ . _ -');

export const appId = (value: string, issues: Issues, field = 'appId'): string | undefined =>
  ROOM_ID.test(value) ? value : issues.add(field, 'must be 1-128 characters of A-Z, a-z, 0-9, @ . _ -');

/** The `appId` query value, else the configured default; an issue when there is neither. */
export const appIdOrDefault = (raw: string | undefined, defaultAppId: string | undefined, issues: Issues): string | undefined => {
  if (raw !== undefined) return appId(raw, issues);
  return defaultAppId ?? issues.add('appId', 'is required: no default RTC AppId is configured');
};

/** An integer query parameter: its bounds, and its value when absent. */
export interface IntegerRange {
  min: number;
  max: number;
  fallback: number;
}

const DIGITS = /^[0-9]{1,10}$/;
export const integerInRange = (raw: string | undefined, field: string, range: IntegerRange, issues: Issues): number | undefined => {
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

/** A custom member field key: 1-64 printable ASCII characters, no comma (the list separator). */
export const CUSTOM_FIELD_KEY_PATTERN = '^[\\x21-\\x2b\\x2d-\\x7e]{1,64}$';
const CUSTOM_FIELD_KEY = new RegExp(CUSTOM_FIELD_KEY_PATTERN);
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
