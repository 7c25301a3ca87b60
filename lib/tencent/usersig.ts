// The package's package.json names two "main" files; bundlers and Node disagree on which wins.
import TLSSigAPIv2 from 'tls-sig-api-v2/TLSSigAPIv2.js';
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

export const generateUserSig = (credentials: TencentCredentials, lifetimeSeconds: number): string =>
  new TLSSigAPIv2.Api(credentials.sdkAppId, credentials.secretKey).genUserSig(credentials.adminIdentifier, lifetimeSeconds);
