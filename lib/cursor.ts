import { createHash } from 'node:crypto';

// Opaque paging cursors: base64url JSON of the fields a next page needs, plus `check`, a digest of
// those fields and of what the cursor is bound to (its purpose, and values the caller must repeat,
// such as the target). A cursor edited by hand, cut short, or used for another target is refused
// rather than acted on. It is not a signature and need not be: a cursor gives no access that the
// caller does not already have; the check only makes sure a page continues the query it came from.

export type CursorValue = string | number;

/** Bound values are joined by newlines: every value bound here is free of control characters. */
const checkOf = (purpose: string, values: readonly CursorValue[]): string =>
  createHash('sha256')
    .update([purpose, ...values].join('\n'))
    .digest('base64url')
    .slice(0, 16);

/**
 * The cursor text for `fields` (kept in the order given), bound to `purpose`, to `boundTo`
 * (values that are not in the cursor but must be the same when it comes back) and to every field.
 */
export const sealCursor = (purpose: string, fields: Readonly<Record<string, CursorValue>>, boundTo: readonly CursorValue[] = []): string =>
  Buffer.from(JSON.stringify({ ...fields, check: checkOf(purpose, [...boundTo, ...Object.values(fields)]) }), 'utf8').toString('base64url');

/**
 * The fields of `text` when it is, exactly, a cursor sealCursor made for this purpose and these
 * bound values (no other key order, extra field, padding or stray bit); undefined otherwise. The
 * caller still checks each field's type and range: the fields are only known to be unedited.
 */
export const openCursor = (purpose: string, text: string, boundTo: readonly CursorValue[] = [], maxLength = 512): Record<string, CursorValue> | undefined => {
  if (text.length === 0 || text.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { check, ...fields } = parsed as Record<string, unknown>;
  if (typeof check !== 'string') return undefined;
  if (!Object.values(fields).every((value) => typeof value === 'string' || typeof value === 'number')) return undefined;
  const opened = fields as Record<string, CursorValue>;
  return sealCursor(purpose, opened, boundTo) === text ? opened : undefined;
};
