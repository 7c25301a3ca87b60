import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import TLSSigAPIv2 from 'tls-sig-api-v2/TLSSigAPIv2.js';
import { DEMO_CREDENTIALS as DEFAULT_CREDENTIALS, LOCAL_SECRET_NAMES } from '../support/demo-credentials.ts';
import { transport } from '../lib/upstream/transport.ts';
import { percentile, progress } from './support.ts';

// Warm overhead: the online-count handler invoked in-process, against a direct signed call to
// the same emulator API (the floor), and a naive client that reads the secret and signs a new
// UserSig on every call. The direct and naive calls use the shipped transport, as the handler
// does, so the difference is the handler's own work.

export interface Latencies {
  p50: number;
  p99: number;
}

const measure = async (label: string, iterations: number, call: () => Promise<void>): Promise<Latencies> => {
  for (let i = 0; i < Math.min(500, iterations / 10); i += 1) await call();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await call();
    times.push((performance.now() - started) * 1000);
  }
  progress(`  ${label}: done`);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
};

export const warmOverhead = async (emulatorUrl: string, groupId: string, iterations: number) => {
  const { tencent } = DEFAULT_CREDENTIALS;
  const url = (userSig: string) => `${emulatorUrl}/v4/group_open_http_svc/get_online_member_num?sdkappid=${tencent.sdkAppId}&identifier=${tencent.adminIdentifier}&usersig=${userSig}&random=${randomBytes(4).readUInt32BE(0)}&contenttype=json`;
  const body = JSON.stringify({ GroupId: groupId });
  const signer = new TLSSigAPIv2.Api(tencent.sdkAppId, tencent.secretKey);
  const userSig = signer.genUserSig(tencent.adminIdentifier, 86_400);
  const post = async (target: string) => {
    const response = await transport(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
    const answer = JSON.parse(response.text) as { ErrorCode: number };
    if (answer.ErrorCode !== 0) throw new Error(`upstream error ${answer.ErrorCode}`);
  };

  Object.assign(process.env, {
    TENCENT_SECRET_ID: LOCAL_SECRET_NAMES.tencent, TENCENT_BASE_URL: emulatorUrl, AWS_ENDPOINT_URL_SECRETS_MANAGER: emulatorUrl,
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LOG_LEVEL: 'warn',
  });
  const { handler } = await import('../handlers/group-online-count.ts');
  const event = {
    rawPath: `/v1/groups/${encodeURIComponent(groupId)}/online-count`, headers: {}, requestContext: { http: { method: 'GET' } },
  };
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };
  const secrets = new SecretsManagerClient({});

  progress(`warm overhead: ${iterations} calls each ...`);
  const floor = await measure('direct signed call', iterations, () => post(url(userSig)));
  const ours = await measure('handler in-process', iterations, async () => {
    const answer = await (handler as (e: unknown, c: unknown) => Promise<{ statusCode: number }>)(event, context);
    if (answer.statusCode !== 200) throw new Error(`handler answered ${answer.statusCode}`);
  });
  const naive = await measure('naive client', Math.min(iterations, 2000), async () => {
    const secret = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: LOCAL_SECRET_NAMES.tencent }))).SecretString as string);
    const freshSig = new TLSSigAPIv2.Api(secret.sdkAppId, secret.secretKey).genUserSig(secret.adminIdentifier, 86_400);
    await post(url(freshSig));
  });
  return { floor, ours, naive };
};
