import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { TencentCredentials } from './credentials.ts';

// The admin UserSig is reused across calls and renewed at half its life, long before Tencent
// would reject it. genUserSig is synchronous, so two renewals can never run at once.

export interface UserSigCacheOptions {
  lifetimeSeconds: number;
  clock?: () => number;
}

interface CachedSig {
  userSig: string;
  renewAt: number;
  credentials: TencentCredentials;
}

export class UserSigCache {
  private readonly lifetimeSeconds: number;
  private readonly clock: () => number;
  private cached: CachedSig | undefined;
  private generatedCount = 0;

  constructor(options: UserSigCacheOptions) {
    this.lifetimeSeconds = options.lifetimeSeconds;
    this.clock = options.clock ?? Date.now;
  }

  get generated(): number {
    return this.generatedCount;
  }

  get(credentials: TencentCredentials): string {
    const { cached } = this;
    if (cached && cached.credentials === credentials && this.clock() < cached.renewAt) return cached.userSig;
    const userSig = generateUserSig(credentials, this.lifetimeSeconds);
    this.generatedCount += 1;
    this.cached = { userSig, credentials, renewAt: this.clock() + (this.lifetimeSeconds * 1000) / 2 };
    return userSig;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/**
 * Tencent's UserSig (TLS 2.0) as its official tls-sig-api-v2 package makes it, byte for byte
 * (test/unit/usersig.test.ts holds it to that package): an HMAC-SHA256 of the identity and its
 * validity, in a JSON document that is deflated and base64-encoded with Tencent's alphabet.
 * Written here rather than imported because the package is CommonJS loaded through `require` at
 * init, which a cold start paid for (bench/ANALYSIS.md).
 */
export const generateUserSig = (credentials: TencentCredentials, lifetimeSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): string => {
  const { sdkAppId, secretKey, adminIdentifier } = credentials;
  const signed = `TLS.identifier:${adminIdentifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${nowSeconds}\nTLS.expire:${lifetimeSeconds}\n`;
  const document = {
    'TLS.ver': '2.0',
    'TLS.identifier': String(adminIdentifier),
    'TLS.sdkappid': Number(sdkAppId),
    'TLS.time': nowSeconds,
    'TLS.expire': lifetimeSeconds,
    'TLS.sig': createHmac('sha256', secretKey).update(signed).digest('base64'),
  };
  return deflateSync(Buffer.from(JSON.stringify(document)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
};
