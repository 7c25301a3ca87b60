import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_AWS_CREDENTIALS, LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { verifySigV4 } from './aws-sigv4-verify.ts';
import type { EmulatorContext } from './context.ts';
import { applyFault } from './fault-injection.ts';
import { parseJson, send } from './http.ts';

// AWS Secrets Manager GetSecretValue (JSON 1.1 protocol), serving the credentials the emulator
// verifies, so the local functions read their secrets the way deployed ones do. Like AWS, it
// refuses a request whose SigV4 signature (LOCAL_AWS_CREDENTIALS) does not check out.

/** A secret ID may be the name or the full ARN: arn:aws:secretsmanager:region:account:secret:NAME-AbCdEf */
const secretArnName = (secretId: string): string => {
  const match = /^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(secretId);
  return match?.[1] ?? secretId;
};

// Read at each call: a rotation through the control API changes what is served.
const secretValues = (context: EmulatorContext): Record<string, string> => ({
  [LOCAL_SECRET_NAMES.tencent]: JSON.stringify(context.credentials.tencent),
  [LOCAL_SECRET_NAMES.volc]: JSON.stringify(context.credentials.volc),
});

export const serveSecretsManager = async (context: EmulatorContext, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
  const { traffic } = context;
  const operation = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
  const reply = (status: number, payload: unknown) => send(res, status, payload, { 'content-type': 'application/x-amz-json-1.1' });
  if (operation !== 'GetSecretValue') return reply(400, { __type: 'InvalidRequestException', message: `${operation} is not emulated` });
  traffic.recordCall('GetSecretValue');
  const signature = await verifySigV4(req, body, 'secretsmanager', [LOCAL_AWS_CREDENTIALS]);
  if (!signature.ok) {
    traffic.recordRejection('GetSecretValue', signature.type);
    return reply(400, { __type: signature.type, message: signature.message });
  }
  // Any injected error code is a service-side failure: a 5xx the SDK retries.
  const unavailable = (code: number) => reply(Math.max(code, 500), { __type: 'InternalServiceError', message: 'fault injected by the emulator' });
  if (await applyFault(traffic, 'secrets', 'GetSecretValue', res, unavailable)) return;
  const request = parseJson(body) as { SecretId?: unknown } | undefined;
  const secretId = typeof request?.SecretId === 'string' ? request.SecretId : '';
  const name = secretArnName(secretId);
  const value = secretValues(context)[name];
  if (value === undefined) {
    traffic.recordRejection('GetSecretValue', 'ResourceNotFoundException');
    return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
  }
  reply(200, {
    ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-Local0`,
    Name: name,
    SecretString: value,
    VersionId: 'local',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: Math.floor(context.clock() / 1000),
  });
};
