import { type Env, EnvReader } from './env.ts';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RuntimeConfig {
  /**
   * Longest a request may spend on upstream work. Unset, it is what Lambda grants the invocation
   * less the answer reserve, so it follows the function's timeout without being kept in step by hand.
   */
  requestBudgetMs: number | undefined;
  /** Kept back from Lambda's remaining time to write the answer, its log line and metrics, even on a busy host. */
  answerReserveMs: number;
  attemptTimeoutMs: number;
  secretTtlMs: number;
  logLevel: LogLevel;
}

export const readRuntimeConfig = (env: Env): RuntimeConfig => {
  const read = new EnvReader(env);
  return {
    requestBudgetMs: read.optionalNumber('REQUEST_BUDGET_MS', { min: 1, max: 900_000 }),
    answerReserveMs: read.number('ANSWER_RESERVE_MS', { fallback: 1000, min: 1, max: 60_000 }),
    attemptTimeoutMs: read.number('UPSTREAM_ATTEMPT_TIMEOUT_MS', { fallback: 3000, min: 1, max: 900_000 }),
    secretTtlMs: read.number('SECRET_CACHE_TTL_SECONDS', { fallback: 300, min: 1, max: 86_400 }) * 1000,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  };
};
