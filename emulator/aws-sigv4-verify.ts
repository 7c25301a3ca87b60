import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

// An independent check of the AWS SigV4 signature on what reaches the emulator's Secrets Manager:
// the request is signed again with @smithy/signature-v4 (the AWS SDK's own signer, not livegate's
// lib/aws/sigv4.ts) from the headers it names as signed, its date and the known secret key, and
// must come out the same. So a wrong signature fails locally as it fails in AWS.

export interface AwsKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

/** AWS's answers to a bad signature (HTTP 400 with one of these `__type`s). */
export type SigV4Verdict =
  | { ok: true }
  | {
      ok: false;
      type: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
      message: string;
    };

/** AWS refuses a request signed more than 5 minutes away from its own clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const parseAmzDate = (value: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
};

export const verifySigV4 = async (
  req: IncomingMessage,
  body: Buffer,
  service: string,
  keys: readonly AwsKeyPair[],
  now = Date.now(),
): Promise<SigV4Verdict> => {
  const authorization = req.headers.authorization;
  if (!authorization) return { ok: false, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const match = AUTHORIZATION.exec(authorization);
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signingDate = parseAmzDate(amzDate);
  if (!match || !signingDate) return { ok: false, type: 'IncompleteSignatureException', message: 'Authorization header or X-Amz-Date is malformed' };
  const [, accessKeyId, day, region, signedService, signedHeaderList] = match as unknown as string[];
  const signedHeaders = (signedHeaderList as string).split(';');
  if (signedService !== service || day !== amzDate.slice(0, 8) || !signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return { ok: false, type: 'IncompleteSignatureException', message: 'the credential scope or the signed headers are not as AWS requires' };
  }
  const key = keys.find((pair) => pair.accessKeyId === accessKeyId);
  if (!key) return { ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) return { ok: false, type: 'InvalidSignatureException', message: 'Signature expired' };

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return { ok: false, type: 'InvalidSignatureException', message: `signed header ${name} is missing` };
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  const sessionToken = headers['x-amz-security-token'];
  const signer = new SignatureV4({
    service,
    region: region as string,
    credentials: { ...key, ...(sessionToken ? { sessionToken } : {}) },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body.toString('utf8'),
    },
    // Every header the client named is signed again, even one the SDK would leave out by default.
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = Buffer.from(String(signed.headers.authorization));
  const received = Buffer.from(authorization);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true };
};
