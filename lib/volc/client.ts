import { ApiError } from '../errors.ts';
import type { Deadline } from '../deadline.ts';
import type { SecretCache } from '../secrets.ts';
import { type FailureKind, UpstreamFailure } from '../upstream/failure.ts';
import { parseJsonObject, sendWithinBudget } from '../upstream/http.ts';
import { resilientCall } from '../upstream/resilient-call.ts';
import type { RateGate } from '../upstream/rate-gate.ts';
import type { RetryPolicy } from '../upstream/retry.ts';
import { asApiError } from '../upstream/to-api-error.ts';
import type { VolcSecret } from './credentials.ts';
import { signRequest } from './signer.ts';

const AUTH_CODES = new Set(['MissingAuthenticationToken', 'MissingSignature', 'InvalidTimestamp', 'InvalidAccessKey',
  'SignatureDoesNotMatch', 'LackPolicy', 'AccessDenied', 'InvalidAuthorization', 'InvalidCredential', 'InvalidSecretToken']);
const AUTH_CODE_NUMBERS = new Set([100003, 100005, 100006, 100009, 100010, 100012, 100013]);
const SERVER_CODE_NUMBERS = new Set([100014, 100015, 100016]);

export const volcFailureKind = (httpStatus: number, code: string, codeN: number): FailureKind => {
  if (httpStatus === 429 || /LimitExceeded|Throttl/i.test(code) || codeN === 100018) return 'rate-limited';
  if (AUTH_CODES.has(code) || AUTH_CODE_NUMBERS.has(codeN)) return 'auth';
  if (httpStatus >= 500 || SERVER_CODE_NUMBERS.has(codeN) || /^Internal/.test(code)) return 'server';
  return 'rejected';
};

const volcRejection = (failure: UpstreamFailure): ApiError => {
  const upstream = { provider: failure.provider, code: failure.code, info: failure.info };
  if (/^(Missing|Invalid)/.test(String(failure.code))) {
    return new ApiError('INVALID_ARGUMENT', 'Volcengine RTC rejected a parameter of the request.', { upstream });
  }
  return new ApiError('UPSTREAM_ERROR', 'Volcengine RTC refused the request.', { upstream });
};

export interface VolcRtcClientOptions {
  baseUrl: string;
  region: string;
  secrets: SecretCache<VolcSecret>;
  attemptTimeoutMs: number;
  retryPolicy?: RetryPolicy;
  /** A gate every HTTP attempt passes first (the snapshot run keeps under the upstream limit). */
  rateGate?: RateGate;
}

export class VolcRtcClient {
  private readonly options: VolcRtcClientOptions;
  upstreamCalls = 0;

  constructor(options: VolcRtcClientOptions) {
    this.options = options;
  }

  async warm(): Promise<void> {
    await this.options.secrets.get();
  }

  /** The AppId used when a caller names none. */
  async defaultAppId(): Promise<string> {
    return (await this.options.secrets.get()).value.rtcAppId;
  }

  /** Calls a GET action; returns `Result`. Same retry and credential-recovery rules as the Tencent client. */
  async get(action: string, version: string, params: Record<string, string>, deadline: Deadline): Promise<Record<string, unknown>> {
    try {
      return await resilientCall({
        operation: action,
        secrets: this.options.secrets,
        deadline,
        policy: this.options.retryPolicy,
        attempt: (secret) => this.attempt({ Action: action, Version: version, ...params }, secret, deadline),
        recoverCredentials: (_failure, rejectedVersion) => this.options.secrets.refresh(rejectedVersion).then(() => undefined),
      });
    } catch (error) {
      throw asApiError(error, volcRejection);
    }
  }

  private async attempt(query: Record<string, string>, secret: VolcSecret, deadline: Deadline): Promise<Record<string, unknown>> {
    const url = new URL(`${this.options.baseUrl}/`);
    const headers = signRequest(
      { method: 'GET', pathname: url.pathname, query, headers: { Host: url.host } },
      { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey },
      { region: this.options.region, service: 'rtc' },
    );
    for (const [key, value] of Object.entries(query)) url.searchParams.append(key, value);
    const { Host: _host, ...sentHeaders } = headers;
    const raw = await sendWithinBudget('volcengine-rtc', url.toString(), { method: 'GET', headers: sentHeaders }, {
      deadline,
      attemptTimeoutMs: this.options.attemptTimeoutMs,
      rateGate: this.options.rateGate,
      onSend: () => { this.upstreamCalls += 1; },
    });
    if (raw.status >= 500 && !raw.text.trim().startsWith('{')) {
      throw new UpstreamFailure('server', 'volcengine-rtc', `HTTP_${raw.status}`, `HTTP ${raw.status}`, raw.status);
    }
    const answer = parseJsonObject('volcengine-rtc', raw);
    const metadata = (answer.ResponseMetadata ?? {}) as { Error?: { Code?: unknown; CodeN?: unknown; Message?: unknown } };
    if (metadata.Error || raw.status !== 200) {
      const code = typeof metadata.Error?.Code === 'string' ? metadata.Error.Code : `HTTP_${raw.status}`;
      const codeN = Number(metadata.Error?.CodeN ?? 0);
      const message = typeof metadata.Error?.Message === 'string' ? metadata.Error.Message : `HTTP ${raw.status}`;
      throw new UpstreamFailure(volcFailureKind(raw.status, code, codeN), 'volcengine-rtc', code, message, raw.status);
    }
    const result = answer.Result;
    if (result === null || typeof result !== 'object') {
      throw new UpstreamFailure('bad-response', 'volcengine-rtc', 'BAD_ANSWER', 'the answer has no Result', raw.status);
    }
    return result as Record<string, unknown>;
  }
}
