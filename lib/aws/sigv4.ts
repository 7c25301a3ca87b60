import { createHash, createHmac } from 'node:crypto';

// AWS Signature Version 4 for the one AWS call the provider functions make (Secrets Manager), with
// node:crypto instead of the SDK's signer: the SDK's client, middleware stack and signer were most
// of their bundle and cold start (bench/ANALYSIS.md). test/unit/aws-sigv4.test.ts holds this to
// AWS's published test suite and to @smithy/signature-v4; the emulator verifies what it receives
// with @smithy/signature-v4, so a wrong signature fails the tests as it would fail in AWS.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface AwsSigningScope {
  region: string;
  service: string;
}

export interface AwsSignableRequest {
  method: string;
  /** The path as it goes on the wire; non-S3 services sign it URI-encoded once more. */
  path: string;
  /** Decoded names and values. */
  query?: Record<string, string>;
  /** Every header given is signed; `host` must be among them. */
  headers: Record<string, string>;
  body: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986: encodeURIComponent leaves !'()* alone; SigV4 does not. */
const uriEscape = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** Dot segments resolved, each segment escaped (slashes kept), as every AWS service but S3 expects. */
const canonicalPath = (path: string): string => {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
};

const canonicalQuery = (query: Record<string, string>): string =>
  Object.entries(query)
    .map(([name, value]) => [uriEscape(name), uriEscape(value)])
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

/** `20150830T123600Z` */
export const amzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[:-]/g, '');

// One signing key a day per secret, region and service; a function keeps a single one.
let signingKeyCache: { id: string; key: Buffer } | undefined;
const signingKey = (secretAccessKey: string, day: string, scope: AwsSigningScope): Buffer => {
  const id = `${day}/${scope.region}/${scope.service}/${sha256Hex(secretAccessKey)}`;
  if (signingKeyCache?.id === id) return signingKeyCache.key;
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), scope.region), scope.service), 'aws4_request');
  signingKeyCache = { id, key };
  return key;
};

/** The request's headers plus `x-amz-date`, `x-amz-security-token` (with temporary credentials) and `authorization`. */
export const signAwsRequest = (
  request: AwsSignableRequest,
  credentials: AwsCredentials,
  scope: AwsSigningScope,
  now: Date = new Date(),
): Record<string, string> => {
  const dateTime = amzDate(now);
  const day = dateTime.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['x-amz-date'] = dateTime;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query ?? {}),
    `${names.map((name) => `${name}:${(headers[name] as string).replace(/\s+/g, ' ').trim()}`).join('\n')}\n`,
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, dateTime, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, scope))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
};
