import { randomBytes } from 'node:crypto';
import type { Deadline } from '#lib/deadline.ts';
import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import type { SecretCache } from '#lib/secrets.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { parseJsonObject, type RawResponse, sendWithinBudget } from '#lib/upstream/http.ts';
import type { RateGate } from '#lib/upstream/rate-gate.ts';
import { resilientCall } from '#lib/upstream/resilient-call.ts';
import type { RetryPolicy } from '#lib/upstream/retry.ts';
import type { TencentCredentials } from './credentials.ts';
import { tencentFailure } from './failures.ts';
import type { UserSigCache } from './usersig.ts';

const TENCENT_APIS = {
  get_online_member_num: 'v4/group_open_http_svc/get_online_member_num',
  get_group_member_info: 'v4/group_open_http_svc/get_group_member_info',
  modify_admin: 'v4/group_open_avchatroom_http_svc/modify_admin',
  get_admin_list: 'v4/group_open_avchatroom_http_svc/get_admin_list',
  get_members: 'v4/group_open_avchatroom_http_svc/get_members',
  get_appid_group_list: 'v4/group_open_http_svc/get_appid_group_list',
  send_group_msg: 'v4/group_open_http_svc/send_group_msg',
} as const;

export type TencentApi = keyof typeof TENCENT_APIS;

export interface TencentChatClientOptions {
  baseUrls: string[];
  secrets: SecretCache<TencentCredentials>;
  userSigs: UserSigCache;
  attemptTimeoutMs: number;
  retryPolicy?: RetryPolicy;
  /** Per-API gates that every HTTP attempt passes first (the snapshot run keeps under the upstream limits). */
  rateGates?: Partial<Record<TencentApi, RateGate>>;
}

/** The fields of an answer whose ErrorCode is 0. */
export type TencentAnswer = Record<string, unknown>;

const freshRandom = (): number => randomBytes(4).readUInt32BE(0);

export class TencentChatClient {
  private readonly options: TencentChatClientOptions;
  private preferredHost = 0;
  upstreamCalls = 0;

  constructor(options: TencentChatClientOptions) {
    this.options = options;
  }

  /** Reads the secret and signs a UserSig ahead of the first call. */
  async warm(): Promise<void> {
    const secret = await this.options.secrets.get();
    this.options.userSigs.get(secret.value);
  }

  /**
   * Calls a Tencent Chat REST API and returns its answer when ErrorCode is 0. Transient failures are
   * retried with backoff inside the deadline; an expired UserSig is regenerated, and any other
   * signature rejection re-reads the secret, each once per call. Failures come out as UpstreamFailure.
   */
  call(api: TencentApi, body: object, deadline: Deadline): Promise<TencentAnswer> {
    return resilientCall({
      upstream: 'tencent-im',
      operation: api,
      secrets: this.options.secrets,
      deadline,
      policy: this.options.retryPolicy,
      attempt: (credentials) => this.attempt(api, body, credentials, deadline),
      recoverCredentials: async (failure, rejectedVersion) => {
        this.options.userSigs.invalidate();
        // 70001 only says the UserSig expired: a new one is enough; anything else may be a rotated key.
        if (failure.code !== 70001) await this.options.secrets.refresh(rejectedVersion, deadline);
      },
    });
  }

  private async attempt(api: TencentApi, body: object, credentials: TencentCredentials, deadline: Deadline): Promise<TencentAnswer> {
    const userSig = this.options.userSigs.get(credentials);
    const payload = JSON.stringify(body);
    const { baseUrls } = this.options;
    let lastFailure: UpstreamFailure | undefined;
    // Only a transport-level failure moves on to the backup host; an answer of any kind is final.
    for (let tried = 0; tried < baseUrls.length; tried += 1) {
      const hostIndex = (this.preferredHost + tried) % baseUrls.length;
      const query = new URLSearchParams({
        sdkappid: String(credentials.sdkAppId),
        identifier: credentials.adminIdentifier,
        usersig: userSig,
        random: String(freshRandom()),
        contenttype: 'json',
      });
      const url = `${baseUrls[hostIndex]}/${TENCENT_APIS[api]}?${query}`;
      try {
        const raw = await sendWithinBudget(
          'tencent-im',
          url,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: payload,
          },
          {
            deadline,
            attemptTimeoutMs: this.options.attemptTimeoutMs,
            rateGate: this.options.rateGates?.[api],
            onSend: () => {
              this.upstreamCalls += 1;
              metrics.add(Metric.UpstreamCalls, 1, { upstream: 'tencent-im', api });
            },
          },
        );
        this.preferredHost = hostIndex;
        return readAnswer(raw);
      } catch (error) {
        if (!(error instanceof UpstreamFailure) || error.kind !== 'network') throw error;
        lastFailure = error;
      }
    }
    throw lastFailure ?? new UpstreamFailure('network', 'tencent-im', 'NETWORK_ERROR', 'no host to call');
  }
}

const readAnswer = (raw: RawResponse): TencentAnswer => {
  if (raw.status === 429) throw new UpstreamFailure('rate-limited', 'tencent-im', 'HTTP_429', 'HTTP 429', 429);
  if (raw.status >= 500) throw new UpstreamFailure('server', 'tencent-im', `HTTP_${raw.status}`, `HTTP ${raw.status}`, raw.status);
  if (raw.status !== 200) throw new UpstreamFailure('bad-response', 'tencent-im', `HTTP_${raw.status}`, `HTTP ${raw.status}`, raw.status);
  const answer = parseJsonObject('tencent-im', raw);
  const errorCode = Number(answer.ErrorCode ?? 0);
  if (answer.ActionStatus === 'OK' && errorCode === 0) return answer;
  if (!Number.isFinite(errorCode) || errorCode === 0) {
    throw new UpstreamFailure('bad-response', 'tencent-im', 'BAD_ANSWER', 'ActionStatus is not OK but ErrorCode is 0');
  }
  throw tencentFailure(errorCode, typeof answer.ErrorInfo === 'string' ? answer.ErrorInfo : '');
};
