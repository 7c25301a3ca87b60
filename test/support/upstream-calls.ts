import { generateUserSig } from '#lib/tencent/usersig.ts';
import { signRequest } from '#lib/volc/signer.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { tencentRestUrl } from '#support/tencent-rest.ts';

// Direct calls to an emulator's upstream endpoints, as a user's own app would make them: a
// Tencent REST call with a real UserSig, a Volcengine OpenAPI call signed (or deliberately not).

export const TENCENT_PATH = {
  getAdminList: '/v4/group_open_avchatroom_http_svc/get_admin_list',
  getMembers: '/v4/group_open_avchatroom_http_svc/get_members',
  sendGroupMsg: '/v4/group_open_http_svc/send_group_msg',
  getOnlineMemberNum: '/v4/group_open_http_svc/get_online_member_num',
  modifyAdmin: '/v4/group_open_avchatroom_http_svc/modify_admin',
} as const;

const demoUserSig = generateUserSig(DEMO_CREDENTIALS.tencent, 86_400);

/** One Tencent REST call; the body is sent as JSON unless it is a string already. */
export const tencentCall = async (baseUrl: string, path: string, body: unknown, userSig = demoUserSig): Promise<Record<string, any>> => {
  const response = await fetch(tencentRestUrl(baseUrl, path, DEMO_CREDENTIALS.tencent, userSig), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.status).toBe(200); // Tencent answers every outcome with HTTP 200
  return (await response.json()) as Record<string, any>;
};

export interface VolcCallOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  /** Sent as is (JSON text for POST operations). */
  body?: string;
  /** `false`: no Authorization at all; a string: sign with that secret key instead of the right one. */
  sign?: boolean | string;
  /** Sent instead of the body that was signed (a body changed in transit). */
  sentBody?: string;
}

export interface VolcAnswer {
  status: number;
  body: Record<string, any>;
}

/** One Volcengine OpenAPI call to `Action`/`Version`, signed as lib/volc signs (held to the official Signer). */
export const volcCall = async (baseUrl: string, action: string, version: string, options: VolcCallOptions = {}): Promise<VolcAnswer> => {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const url = new URL(`${baseUrl}/`);
  const query = { Action: action, Version: version, ...options.query };
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  const contentType: Record<string, string> = options.body === undefined ? {} : { 'Content-Type': 'application/json' };
  let headers: Record<string, string> = { ...contentType };
  if (options.sign !== false) {
    const secretAccessKey = typeof options.sign === 'string' ? options.sign : DEMO_CREDENTIALS.volc.secretAccessKey;
    const { Host: _host, ...signed } = signRequest(
      { method, pathname: '/', query, headers: { Host: url.host, ...contentType }, ...(options.body === undefined ? {} : { body: options.body }) },
      { accessKeyId: DEMO_CREDENTIALS.volc.accessKeyId, secretAccessKey },
      { region: 'cn-north-1', service: 'rtc' },
    );
    headers = signed;
  }
  const sent = options.sentBody ?? options.body;
  const response = await fetch(url, { method, headers, ...(sent === undefined ? {} : { body: sent }) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

/** SendBroadcast with a JSON body. */
export const sendBroadcast = (baseUrl: string, body: unknown, options: Omit<VolcCallOptions, 'body' | 'method'> = {}): Promise<VolcAnswer> =>
  volcCall(baseUrl, 'SendBroadcast', '2023-07-20', { ...options, method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The Volcengine error of an answer, if any. */
export const volcErrorOf = (answer: VolcAnswer): { Code: string; CodeN?: number; Message: string } | undefined => answer.body.ResponseMetadata?.Error;
