import { createHash, createHmac } from 'node:crypto';

// Volcengine OpenAPI request signing (HMAC-SHA256 with a `request` credential scope). It
// follows the official @volcengine/openapi Signer byte for byte; test/unit/volc-signer.test.ts
// holds it to that oracle. The emulator verifies with the same canonicalisation.

export type QueryValue = string | string[] | undefined;

export interface VolcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  pathname?: string;
  query: Record<string, QueryValue>;
  headers: Record<string, string>;
  body?: string;
}

export interface SigningScope {
  region: string;
  service: string;
}

const ALGORITHM = 'HMAC-SHA256';
const UNSIGNABLE_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'user-agent', 'presigned-expires', 'expect']);

/** RFC 3986 strict: encodeURIComponent leaves !'()* alone; the signature does not. */
export const uriEscape = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

const canonicalQuery = (query: Record<string, QueryValue>): string =>
  Object.keys(query)
    .filter((key) => query[key] !== undefined && query[key] !== null)
    .sort()
    .map((key) => {
      const value = query[key] as string | string[];
      const name = uriEscape(key);
      if (Array.isArray(value)) return `${name}=${value.map(uriEscape).sort().join(`&${name}=`)}`;
      return `${name}=${uriEscape(value)}`;
    })
    .join('&');

export const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20261121T100000Z` */
const volcDateTime = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[:-]/g, '');

export interface CanonicalParts {
  method: string;
  pathname: string;
  query: Record<string, QueryValue>;
  /** Lower-case name → value, only the headers that are signed. */
  signedHeaders: Record<string, string>;
  bodySha256: string;
}

const canonicalRequest = (parts: CanonicalParts): string => {
  const names = Object.keys(parts.signedHeaders).sort();
  const headerLines = names.map((name) => `${name}:${(parts.signedHeaders[name] ?? '').replace(/\s+/g, ' ').trim()}`);
  return [
    parts.method.toUpperCase(),
    parts.pathname || '/',
    canonicalQuery(parts.query),
    `${headerLines.join('\n')}\n`,
    names.join(';'),
    parts.bodySha256,
  ].join('\n');
};

const credentialScope = (dateTime: string, scope: SigningScope): string => [dateTime.slice(0, 8), scope.region, scope.service, 'request'].join('/');

export const computeSignature = (parts: CanonicalParts, secretAccessKey: string, dateTime: string, scope: SigningScope): string => {
  const stringToSign = [ALGORITHM, dateTime, credentialScope(dateTime, scope), sha256Hex(canonicalRequest(parts))].join('\n');
  const kDate = hmac(secretAccessKey, dateTime.slice(0, 8));
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  const kSigning = hmac(kService, 'request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
};

/** Returns the request's headers plus X-Date, X-Content-Sha256 (and X-Security-Token) and Authorization. */
export const signRequest = (request: SignableRequest, credentials: VolcCredentials, scope: SigningScope, date: Date = new Date()): Record<string, string> => {
  const dateTime = volcDateTime(date);
  const headers: Record<string, string> = { ...request.headers, 'X-Date': dateTime };
  if (credentials.sessionToken) headers['X-Security-Token'] = credentials.sessionToken;
  headers['X-Content-Sha256'] ??= sha256Hex(request.body ?? '');
  const signedHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!UNSIGNABLE_HEADERS.has(name.toLowerCase())) signedHeaders[name.toLowerCase()] = value;
  }
  const parts: CanonicalParts = {
    method: request.method,
    pathname: request.pathname ?? '/',
    query: request.query,
    signedHeaders,
    bodySha256: headers['X-Content-Sha256'],
  };
  const signature = computeSignature(parts, credentials.secretAccessKey, dateTime, scope);
  headers.Authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope(dateTime, scope)}, SignedHeaders=${Object.keys(signedHeaders).sort().join(';')}, Signature=${signature}`;
  return headers;
};
