import type { Env } from '#lib/config/env.ts';
import { readMetricsConfig } from '#lib/config/metrics.ts';
import { type RuntimeConfig, readRuntimeConfig } from '#lib/config/runtime.ts';
import { log, setLogLevel } from '#lib/log.ts';
import { configureMetrics } from '#lib/metrics/recorder.ts';

// What every composition root does first. The roots are split by what their functions reach
// (upstreams, tables, callbacks), so a bundle imports no client it never uses: esbuild cannot drop
// an SDK client that a shared module merely imports.

/** Metrics are configured first: a function whose other settings are wrong still counts its INTERNAL answers where its alarms look. */
export const runtimeOf = (env: Env): RuntimeConfig => {
  configureMetrics(readMetricsConfig(env));
  const runtime = readRuntimeConfig(env);
  setLogLevel(runtime.logLevel);
  return runtime;
};

/**
 * Starts reading the secret during Lambda's init phase, which runs before the first request
 * is timed; a failure here is only logged, and the first request reads again.
 */
export const prefetch = (warm: () => Promise<unknown>): void => {
  warm().catch((error: unknown) => log.warn('prefetch failed; the first request will retry', { error }));
};

/** A function that reaches nothing: the catch-all. */
export const composePlainHttp = (env: Env): { runtime: RuntimeConfig } => ({ runtime: runtimeOf(env) });
