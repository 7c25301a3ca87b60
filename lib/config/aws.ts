import type { AwsCredentials } from '#lib/aws/sigv4.ts';
import { ConfigError, type Env, EnvReader } from './env.ts';

// Where Secrets Manager is and who signs for it, from the variables the AWS SDK honours, so a
// local run (AWS_ENDPOINT_URL_SECRETS_MANAGER pointing at the emulator) takes the same code path
// as AWS. Lambda puts the role's credentials and the region in every function's environment.

export interface SecretsManagerConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

/** Secrets Manager's regional endpoint; China's regions live under their own domain. */
export const secretsManagerEndpoint = (region: string): string =>
  `https://secretsmanager.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;

export const readSecretsManagerConfig = (env: Env): SecretsManagerConfig => {
  const read = new EnvReader(env);
  const region = read.text('AWS_REGION') ?? read.text('AWS_DEFAULT_REGION');
  if (region === undefined) throw new ConfigError('AWS_REGION is not set');
  if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError(`AWS_REGION must be a region name, got "${region}"`);
  const sessionToken = read.text('AWS_SESSION_TOKEN');
  return {
    endpoint: read.url('AWS_ENDPOINT_URL_SECRETS_MANAGER') ?? read.url('AWS_ENDPOINT_URL') ?? secretsManagerEndpoint(region),
    region,
    credentials: {
      accessKeyId: read.required('AWS_ACCESS_KEY_ID'),
      secretAccessKey: read.required('AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
    },
  };
};
