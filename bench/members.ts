import { generateUserSig } from '#lib/tencent/usersig.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { emulatorClient } from '#support/emulator-client.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';
import { functionEnvironment } from '#support/local-aws.ts';
import { tencentRestUrl } from '#support/tencent-rest.ts';
import { progress } from './support.ts';

// Member pull: every member of a 6,000-member group through the members endpoint, beside
// direct upstream calls with the largest single page.

export interface MemberRow {
  how: string;
  ms: number;
  upstreamCalls: number;
  members: number;
  note: string;
}

const GROUP = '@TGS#2BENCHMEMBERS';

export const memberPull = async (emulatorUrl: string): Promise<MemberRow[]> => {
  const upstreams = emulatorClient(emulatorUrl);
  await upstreams.putGroup(GROUP, { type: 'Public', memberCount: 6000 });
  await upstreams.setLimits({ tencentPerSecond: 200 });
  const calls = async () => (await upstreams.stats()).apis.get_group_member_info?.calls ?? 0;
  const { tencent } = DEMO_CREDENTIALS;
  const userSig = generateUserSig(tencent, 86_400);
  const direct = async (limit: number, offset: number) => {
    const url = tencentRestUrl(emulatorUrl, '/v4/group_open_http_svc/get_group_member_info', tencent, userSig);
    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ GroupId: GROUP, Limit: limit, Offset: offset }) });
    return response.json() as Promise<{ ErrorCode: number; MemberList?: unknown[] }>;
  };

  progress('member pull ...');
  const rows: MemberRow[] = [];
  let before = await calls();
  let started = performance.now();
  const whole = await direct(6000, 0);
  rows.push({
    how: 'direct, Limit 6000',
    ms: performance.now() - started,
    upstreamCalls: (await calls()) - before,
    members: whole.MemberList?.length ?? 0,
    note: `ErrorCode ${whole.ErrorCode} (answer over 1 MB)`,
  });

  // The largest page that fits, found by halving, then the whole group in pages of that size.
  let size = 6000;
  while (size > 1 && (await direct(size, 0)).ErrorCode === 10018) size = Math.ceil(size / 2);
  before = await calls();
  started = performance.now();
  let pulled = 0;
  for (let offset = 0; offset < 6000; offset += size) pulled += (await direct(size, offset)).MemberList?.length ?? 0;
  rows.push({
    how: `direct, largest page that fits (${size}), sequential`,
    ms: performance.now() - started,
    upstreamCalls: (await calls()) - before,
    members: pulled,
    note: 'the caller must know the size',
  });

  Object.assign(process.env, functionEnvironment(emulatorUrl), { LOG_LEVEL: 'warn' });
  const handler = (await import('#handlers/group-members.ts')).handler as HttpHandler;
  const event = httpEvent('GET', `/v1/groups/${encodeURIComponent(GROUP)}/members`, { query: { limit: '6000' } });
  for (const label of ['members endpoint, first request', 'members endpoint, next request (page size learned)']) {
    before = await calls();
    started = performance.now();
    const answer = await handler(event, lambdaContext('bench', 20_000));
    const members = (JSON.parse(answer.body) as { members?: unknown[] }).members?.length ?? 0;
    rows.push({ how: label, ms: performance.now() - started, upstreamCalls: (await calls()) - before, members, note: `HTTP ${answer.statusCode}` });
  }
  return rows;
};
