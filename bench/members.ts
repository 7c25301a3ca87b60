import { randomBytes } from 'node:crypto';
import TLSSigAPIv2 from 'tls-sig-api-v2/TLSSigAPIv2.js';
import { DEFAULT_CREDENTIALS, LOCAL_SECRET_NAMES } from '../emulator/credentials.ts';
import { control } from './processes.ts';
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
  await control(emulatorUrl, 'PUT', `/tencent/groups/${encodeURIComponent(GROUP)}`, { type: 'Public', memberCount: 6000 });
  await control(emulatorUrl, 'PUT', '/limits', { tencentPerSecond: 200 });
  const calls = async () => ((await control(emulatorUrl, 'GET', '/stats')).apis.get_group_member_info?.calls ?? 0) as number;
  const { tencent } = DEFAULT_CREDENTIALS;
  const userSig = new TLSSigAPIv2.Api(tencent.sdkAppId, tencent.secretKey).genUserSig(tencent.adminIdentifier, 86_400);
  const direct = async (limit: number, offset: number) => {
    const url = `${emulatorUrl}/v4/group_open_http_svc/get_group_member_info?sdkappid=${tencent.sdkAppId}&identifier=${tencent.adminIdentifier}&usersig=${userSig}&random=${randomBytes(4).readUInt32BE(0)}&contenttype=json`;
    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ GroupId: GROUP, Limit: limit, Offset: offset }) });
    return response.json() as Promise<{ ErrorCode: number; MemberList?: unknown[] }>;
  };

  progress('member pull ...');
  const rows: MemberRow[] = [];
  let before = await calls();
  let started = performance.now();
  const whole = await direct(6000, 0);
  rows.push({ how: 'direct, Limit 6000', ms: performance.now() - started, upstreamCalls: (await calls()) - before, members: whole.MemberList?.length ?? 0, note: `ErrorCode ${whole.ErrorCode} (answer over 1 MB)` });

  // The largest page that fits, found by halving, then the whole group in pages of that size.
  let size = 6000;
  while (size > 1 && (await direct(size, 0)).ErrorCode === 10018) size = Math.ceil(size / 2);
  before = await calls();
  started = performance.now();
  let pulled = 0;
  for (let offset = 0; offset < 6000; offset += size) pulled += (await direct(size, offset)).MemberList?.length ?? 0;
  rows.push({ how: `direct, largest page that fits (${size}), sequential`, ms: performance.now() - started, upstreamCalls: (await calls()) - before, members: pulled, note: 'the caller must know the size' });

  Object.assign(process.env, {
    TENCENT_SECRET_ID: LOCAL_SECRET_NAMES.tencent, TENCENT_BASE_URL: emulatorUrl, AWS_ENDPOINT_URL_SECRETS_MANAGER: emulatorUrl,
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LOG_LEVEL: 'warn',
  });
  const { handler } = await import('../handlers/group-members.ts');
  const event = {
    rawPath: `/v1/groups/${encodeURIComponent(GROUP)}/members`, queryStringParameters: { limit: '6000' }, headers: {}, requestContext: { http: { method: 'GET' } },
  };
  for (const label of ['members endpoint, first request', 'members endpoint, next request (page size learned)']) {
    before = await calls();
    started = performance.now();
    const answer = await (handler as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>)(event, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 20_000 });
    const members = (JSON.parse(answer.body) as { members?: unknown[] }).members?.length ?? 0;
    rows.push({ how: label, ms: performance.now() - started, upstreamCalls: (await calls()) - before, members, note: `HTTP ${answer.statusCode}` });
  }
  return rows;
};
