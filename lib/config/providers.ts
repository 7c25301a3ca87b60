import { TENCENT_REGIONS, type TencentRegion } from '#lib/tencent/regions.ts';
import { type Env, EnvReader } from './env.ts';

// How to reach each provider. A provider is configured when its secret is named; once it is,
// every other setting of it must be valid, so a typo stops the function at init instead of
// quietly turning that provider off.

export interface TencentConfig {
  secretId: string;
  region: TencentRegion;
  baseUrlOverride: string | undefined;
  userSigLifetimeSeconds: number;
  memberPageSize: number;
}

export interface VolcConfig {
  secretId: string;
  baseUrl: string;
  region: string;
}

export const readTencentConfig = (env: Env): TencentConfig => {
  const read = new EnvReader(env);
  return {
    secretId: read.required('TENCENT_SECRET_ID'),
    region: read.oneOf('TENCENT_REGION', Object.keys(TENCENT_REGIONS) as TencentRegion[], 'china'),
    baseUrlOverride: read.url('TENCENT_BASE_URL'),
    userSigLifetimeSeconds: read.number('USERSIG_LIFETIME_SECONDS', { fallback: 86_400, min: 60, max: 15_552_000 }),
    memberPageSize: read.number('TENCENT_MEMBER_PAGE_SIZE', { fallback: 6000, min: 1, max: 6000 }),
  };
};

export const readVolcConfig = (env: Env): VolcConfig => {
  const read = new EnvReader(env);
  return {
    secretId: read.required('VOLC_SECRET_ID'),
    baseUrl: read.url('VOLC_BASE_URL') ?? 'https://rtc.volcengineapi.com',
    region: read.text('VOLC_REGION') ?? 'cn-north-1',
  };
};

/** Undefined when the function is not given the provider's secret; otherwise read in full. */
export const readOptionalTencentConfig = (env: Env): TencentConfig | undefined =>
  new EnvReader(env).text('TENCENT_SECRET_ID') === undefined ? undefined : readTencentConfig(env);

export const readOptionalVolcConfig = (env: Env): VolcConfig | undefined =>
  new EnvReader(env).text('VOLC_SECRET_ID') === undefined ? undefined : readVolcConfig(env);

/**
 * The RTC AppId of room routes and configured rooms that name none: the `rtcAppId` deployment
 * parameter, the one source for every function (an AppId is not a secret, so functions that only
 * read the table need no access to the Volcengine secret to learn it).
 */
export const readDefaultRtcAppId = (env: Env): string | undefined => new EnvReader(env).text('RTC_APP_ID');
