import { secretsManagerSource } from '#lib/aws/secrets-manager.ts';
import { LOCAL_AWS_CREDENTIALS, LOCAL_SECRET_NAMES } from './demo-credentials.ts';

// The environment that points livegate's functions at the local stack: the emulator for the
// upstreams and Secrets Manager, dynalite for DynamoDB.

/**
 * For livegate's Secrets Manager reader, the AWS SDK (DynamoDB) and serverless: the local endpoints,
 * and dummy credentials on purpose (real ones must never be sent to a local emulator), which the
 * emulator checks signatures with.
 */
export const localAwsEnvironment = (emulatorUrl: string, dynamoEndpoint?: string): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: emulatorUrl,
  ...(dynamoEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint } : {}),
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
});

/** For livegate's upstream clients: the local secrets to read and the emulator as both providers. */
export const upstreamEnvironment = (emulatorUrl: string): Record<string, string> => ({
  TENCENT_SECRET_ID: LOCAL_SECRET_NAMES.tencent,
  TENCENT_BASE_URL: emulatorUrl,
  VOLC_SECRET_ID: LOCAL_SECRET_NAMES.volc,
  VOLC_BASE_URL: emulatorUrl,
});

/** Both: what a handler run outside serverless-offline (in this process or a child) needs. */
export const functionEnvironment = (emulatorUrl: string, dynamoEndpoint?: string): Record<string, string> => ({
  ...localAwsEnvironment(emulatorUrl, dynamoEndpoint),
  ...upstreamEnvironment(emulatorUrl),
});

/** A secret as the emulator's Secrets Manager serves it, read (and signed) the way the functions read theirs. */
export const readLocalSecret = async (emulatorUrl: string, secretId: string): Promise<Record<string, unknown>> =>
  JSON.parse(await secretsManagerSource({ endpoint: emulatorUrl, region: 'us-east-1', credentials: { ...LOCAL_AWS_CREDENTIALS } }).read(secretId));
