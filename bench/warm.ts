import { secretSourceFrom } from '#lib/compose/clients.ts';
import { generateUserSig } from '#lib/tencent/usersig.ts';
import { transport } from '#lib/upstream/transport.ts';
import { DEMO_CREDENTIALS, LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';
import { functionEnvironment } from '#support/local-aws.ts';
import { tencentRestUrl } from '#support/tencent-rest.ts';
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
  const { tencent } = DEMO_CREDENTIALS;
  const url = (userSig: string) => tencentRestUrl(emulatorUrl, '/v4/group_open_http_svc/get_online_member_num', tencent, userSig);
  const body = JSON.stringify({ GroupId: groupId });
  const userSig = generateUserSig(tencent, 86_400);
  const post = async (target: string) => {
    const response = await transport(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
    const answer = JSON.parse(response.text) as { ErrorCode: number };
    if (answer.ErrorCode !== 0) throw new Error(`upstream error ${answer.ErrorCode}`);
  };

  Object.assign(process.env, functionEnvironment(emulatorUrl), { LOG_LEVEL: 'warn' });
  const handler = (await import('#handlers/group-online-count.ts')).handler as HttpHandler;
  const event = httpEvent('GET', `/v1/groups/${encodeURIComponent(groupId)}/online-count`);
  const context = lambdaContext('bench');
  // The functions' own Secrets Manager reader, without the cache in front of it.
  const secrets = secretSourceFrom(process.env);

  progress(`warm overhead: ${iterations} calls each ...`);
  const floor = await measure('direct signed call', iterations, () => post(url(userSig)));
  const ours = await measure('handler in-process', iterations, async () => {
    const answer = await handler(event, context);
    if (answer.statusCode !== 200) throw new Error(`handler answered ${answer.statusCode}`);
  });
  const naive = await measure('naive client', Math.min(iterations, 2000), async () => {
    const secret = JSON.parse(await secrets.read(LOCAL_SECRET_NAMES.tencent));
    const freshSig = generateUserSig(secret, 86_400);
    await post(url(freshSig));
  });
  return { floor, ours, naive };
};
