import type { Deadline } from '#lib/deadline.ts';
import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import type { SecretCache } from '#lib/secrets.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { parseJsonObject, sendWithinBudget } from '#lib/upstream/http.ts';
import type { RateGate } from '#lib/upstream/rate-gate.ts';
import { resilientCall } from '#lib/upstream/resilient-call.ts';
import type { RetryPolicy } from '#lib/upstream/retry.ts';
import type { VolcSecret } from './credentials.ts';
import { volcFailureKind } from './failures.ts';
import { signRequest } from './signer.ts';

export interface VolcRtcClientOptions {
  baseUrl: string;
  region: string;
  secrets: SecretCache<VolcSecret>;
  attemptTimeoutMs: number;
  retryPolicy?: RetryPolicy;
  /** Per-action gates every HTTP attempt passes first (the snapshot run keeps under each action's limit). */
  rateGates?: Partial<Record<string, RateGate>>;
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

  /** Calls a GET action; returns `Result`. Same retry and credential-recovery rules as the Tencent client. */
  get(action: string, version: string, params: Record<string, string>, deadline: Deadline): Promise<Record<string, unknown>> {
    return this.call({ Action: action, Version: version, ...params }, undefined, deadline);
  }

  /** Calls a POST action with a JSON body (signed with its hash); returns `Result`. */
  post(action: string, version: string, body: object, deadline: Deadline): Promise<Record<string, unknown>> {
    return this.call({ Action: action, Version: version }, JSON.stringify(body), deadline);
  }

  private call(query: Record<string, string>, body: string | undefined, deadline: Deadline): Promise<Record<string, unknown>> {
    return resilientCall({
      upstream: 'volcengine-rtc',
      operation: query.Action as string,
      secrets: this.options.secrets,
      deadline,
      policy: this.options.retryPolicy,
      attempt: (secret) => this.attempt(query, body, secret, deadline),
      recoverCredentials: (_failure, rejectedVersion) => this.options.secrets.refresh(rejectedVersion, deadline).then(() => undefined),
    });
  }

  private async attempt(query: Record<string, string>, body: string | undefined, secret: VolcSecret, deadline: Deadline): Promise<Record<string, unknown>> {
    const url = new URL(`${this.options.baseUrl}/`);
    const method = body === undefined ? 'GET' : 'POST';
    const headers = signRequest(
      {
        method,
        pathname: url.pathname,
        query,
        headers: { Host: url.host, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
      },
      { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey },
      { region: this.options.region, service: 'rtc' },
    );
    for (const [key, value] of Object.entries(query)) url.searchParams.append(key, value);
    const { Host: _host, ...sentHeaders } = headers;
    const raw = await sendWithinBudget(
      'volcengine-rtc',
      url.toString(),
      { method, headers: sentHeaders, ...(body === undefined ? {} : { body }) },
      {
        deadline,
        attemptTimeoutMs: this.options.attemptTimeoutMs,
        rateGate: this.options.rateGates?.[query.Action as string],
        onSend: () => {
          this.upstreamCalls += 1;
          metrics.add(Metric.UpstreamCalls, 1, { upstream: 'volcengine-rtc', api: query.Action as string });
        },
      },
    );
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
