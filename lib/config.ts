import { isTencentRegion, type TencentRegion, TENCENT_REGIONS } from './tencent/regions.ts';

// Configuration comes from the function's environment, which in AWS holds names and ARNs
// only; secret values are read from Secrets Manager at run time.

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const required = (env: Env, name: string): string => {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
};

const positiveInt = (env: Env, name: string, fallback: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const optionalUrl = (env: Env, name: string): string | undefined => {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

export interface RuntimeConfig {
  /** Longest a request may spend on upstream work, whatever Lambda would still allow. */
  requestBudgetMs: number;
  /** Kept back from Lambda's remaining time to write the answer. */
  answerReserveMs: number;
  attemptTimeoutMs: number;
  secretTtlMs: number;
}

export const readRuntimeConfig = (env: Env = process.env): RuntimeConfig => ({
  requestBudgetMs: positiveInt(env, 'REQUEST_BUDGET_MS', 8000),
  answerReserveMs: positiveInt(env, 'ANSWER_RESERVE_MS', 250),
  attemptTimeoutMs: positiveInt(env, 'UPSTREAM_ATTEMPT_TIMEOUT_MS', 3000),
  secretTtlMs: positiveInt(env, 'SECRET_CACHE_TTL_SECONDS', 300) * 1000,
});

export interface TencentConfig {
  secretId: string;
  region: TencentRegion;
  baseUrlOverride: string | undefined;
  userSigLifetimeSeconds: number;
  memberPageSize: number;
}

export const readTencentConfig = (env: Env = process.env): TencentConfig => {
  const region = env.TENCENT_REGION?.trim() || 'china';
  if (!isTencentRegion(region)) {
    throw new ConfigError(`TENCENT_REGION must be one of ${Object.keys(TENCENT_REGIONS).join(', ')}, got "${region}"`);
  }
  return {
    secretId: required(env, 'TENCENT_SECRET_ID'),
    region,
    baseUrlOverride: optionalUrl(env, 'TENCENT_BASE_URL'),
    userSigLifetimeSeconds: positiveInt(env, 'USERSIG_LIFETIME_SECONDS', 86_400),
    memberPageSize: Math.min(6000, positiveInt(env, 'TENCENT_MEMBER_PAGE_SIZE', 6000)),
  };
};

export interface VolcConfig {
  secretId: string;
  baseUrl: string;
  region: string;
}

export const readVolcConfig = (env: Env = process.env): VolcConfig => ({
  secretId: required(env, 'VOLC_SECRET_ID'),
  baseUrl: optionalUrl(env, 'VOLC_BASE_URL') ?? 'https://rtc.volcengineapi.com',
  region: env.VOLC_REGION?.trim() || 'cn-north-1',
});
