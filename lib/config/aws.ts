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

/**
 * The partitions whose Secrets Manager host we know: commercial and GovCloud (`amazonaws.com`),
 * China (`amazonaws.com.cn`); the patterns are the AWS SDK's own (its partitions.json).
 */
const KNOWN_PARTITIONS: ReadonlyArray<{ regions: RegExp; domain: string }> = [
  { regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, domain: 'amazonaws.com' },
  { regions: /^us-gov-\w+-\d+$/, domain: 'amazonaws.com' },
  { regions: /^cn-\w+-\d+$/, domain: 'amazonaws.com.cn' },
];

/**
 * Secrets Manager's regional endpoint. The isolated and sovereign partitions (us-iso*, us-isob*,
 * eu-isoe*, eusc-*) have hosts of their own: rather than guess one and fail at the first read,
 * such a region is a configuration error until AWS_ENDPOINT_URL_SECRETS_MANAGER names the host.
 */
export const secretsManagerEndpoint = (region: string): string => {
  const partition = KNOWN_PARTITIONS.find(({ regions }) => regions.test(region));
  if (!partition) {
    throw new ConfigError(
      `AWS_REGION "${region}" is not in a partition whose Secrets Manager endpoint livegate knows (aws, aws-us-gov, aws-cn); set AWS_ENDPOINT_URL_SECRETS_MANAGER`,
    );
  }
  return `https://secretsmanager.${region}.${partition.domain}`;
};

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
