import { ConfigError, type Env, EnvReader } from './env.ts';

export interface MetricsConfig {
  /** The CloudWatch namespace every metric is published in. */
  namespace: string;
}

export const DEFAULT_METRICS_NAMESPACE = 'Livegate';

/**
 * A CloudWatch namespace, by the same rule deploy/monitoring.cjs holds the metricsNamespace
 * parameter to (no spaces: the alarms and the dashboard must find what the functions write). A
 * wrong one would only show as metrics that never appear.
 */
export const METRICS_NAMESPACE_PATTERN = /^(?!AWS\/)[A-Za-z0-9._/#:-]{1,255}$/;

export const readMetricsConfig = (env: Env): MetricsConfig => {
  const namespace = new EnvReader(env).text('METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE;
  if (!METRICS_NAMESPACE_PATTERN.test(namespace)) {
    throw new ConfigError(`METRICS_NAMESPACE must be a CloudWatch namespace (letters, digits and . _ / # : -, not AWS/...), got "${namespace}"`);
  }
  return { namespace };
};
