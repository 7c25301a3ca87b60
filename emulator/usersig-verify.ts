import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

// An independent check of Tencent UserSig (TLS 2.0): the opposite of what tls-sig-api-v2 (and
// lib/tencent/usersig.ts) does, written from the format rather than from either, so a bug in how
// livegate makes a UserSig cannot be hidden by sharing its code.

export type UserSigVerdict = { ok: true } | { ok: false; errorCode: 70001 | 70003 | 70009 | 70013 | 70014; errorInfo: string };

interface SigDoc {
  'TLS.ver'?: unknown;
  'TLS.identifier'?: unknown;
  'TLS.sdkappid'?: unknown;
  'TLS.time'?: unknown;
  'TLS.expire'?: unknown;
  'TLS.sig'?: unknown;
  'TLS.userbuf'?: unknown;
}

const fail = (errorCode: 70001 | 70003 | 70009 | 70013 | 70014, errorInfo: string): UserSigVerdict => ({ ok: false, errorCode, errorInfo });

/** Tencent's base64 variant: '*' for '+', '-' for '/', '_' for '='. */
const decodeSigText = (userSig: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9*\-_]+$/.test(userSig)) return undefined;
  const standard = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return Buffer.from(standard, 'base64');
};

export const verifyUserSig = (
  userSig: string,
  expected: { sdkAppId: number; identifier: string; secretKey: string },
  nowSeconds: number = Math.floor(Date.now() / 1000),
): UserSigVerdict => {
  let doc: SigDoc;
  try {
    const compressed = decodeSigText(userSig);
    if (!compressed || compressed.length === 0) return fail(70003, 'UserSig is malformed: not base64url');
    doc = JSON.parse(inflateSync(compressed).toString('utf8')) as SigDoc;
  } catch {
    return fail(70003, 'UserSig is malformed: cannot be decoded');
  }
  const identifier = doc['TLS.identifier'];
  const sdkAppId = doc['TLS.sdkappid'];
  const time = doc['TLS.time'];
  const expire = doc['TLS.expire'];
  const sig = doc['TLS.sig'];
  if (typeof identifier !== 'string' || typeof sdkAppId !== 'number' || typeof time !== 'number' || typeof expire !== 'number' || typeof sig !== 'string') {
    return fail(70003, 'UserSig is malformed: fields missing');
  }
  if (identifier !== expected.identifier) return fail(70013, 'UserSig identifier does not match the request identifier');
  if (sdkAppId !== expected.sdkAppId) return fail(70014, 'UserSig SDKAppID does not match the request sdkappid');
  let content = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (typeof doc['TLS.userbuf'] === 'string') content += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  const wanted = createHmac('sha256', expected.secretKey).update(content).digest();
  const given = Buffer.from(sig, 'base64');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return fail(70009, 'UserSig was signed with another key');
  if (time + expire < nowSeconds) return fail(70001, 'UserSig has expired');
  return { ok: true };
};
