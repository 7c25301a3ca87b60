import { ConfigError, type Env, EnvReader } from './env.ts';

export interface MetricsConfig {
  /** The CloudWatch namespace every metric is published in. */
  namespace: string;
}

export const DEFAULT_METRICS_NAMESPACE = 'Livegate';

// CloudWatch's own rule for a namespace; a wrong one would only show as metrics that never appear.
const NAMESPACE = /^[A-Za-z0-9.\-_/#: ]{1,255}$/;

export const readMetricsConfig = (env: Env): MetricsConfig => {
  const namespace = new EnvReader(env).text('METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE;
  if (!NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw new ConfigError(`METRICS_NAMESPACE must be a CloudWatch namespace (letters, digits, . - _ / # : and spaces, not AWS/...), got "${namespace}"`);
  }
  return { namespace };
};
