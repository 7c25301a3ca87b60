import type { FailureKind, Provider } from '#lib/upstream/failure.ts';

// The metric catalogue (README "Metrics" lists it), the one place a metric name is spelled: the
// alarms and the dashboard (deploy/monitoring/) name the same metrics, so a name here is a
// contract. Every metric also carries the dimension `service` = `livegate`; the dimensions below
// are the only others, and none holds a group or room ID (their cardinality would be the number
// of rooms).

export const SERVICE = 'livegate';

export const Metric = {
  Requests: 'Requests',
  Latency: 'Latency',
  ErrorResponses: 'ErrorResponses',
  UpstreamCalls: 'UpstreamCalls',
  UpstreamRetries: 'UpstreamRetries',
  UpstreamFailures: 'UpstreamFailures',
  UpstreamAuthFailures: 'UpstreamAuthFailures',
  RateLimitWaits: 'RateLimitWaits',
  RateLimitWaitTime: 'RateLimitWaitTime',
  SnapshotRuns: 'SnapshotRuns',
  SnapshotTargets: 'SnapshotTargets',
  SnapshotSamples: 'SnapshotSamples',
  SnapshotGaps: 'SnapshotGaps',
  SnapshotGapsByReason: 'SnapshotGapsByReason',
  SnapshotPushes: 'SnapshotPushes',
  SnapshotPushFailures: 'SnapshotPushFailures',
  SnapshotRunDuration: 'SnapshotRunDuration',
  SnapshotTickLag: 'SnapshotTickLag',
  CallbacksAccepted: 'CallbacksAccepted',
  CallbacksRejected: 'CallbacksRejected',
} as const;

export type MetricName = (typeof Metric)[keyof typeof Metric];

/** The pushing provider of a snapshot run, and the provider a callback comes from. */
export type PushProvider = Extract<Provider, 'tencent-im' | 'volcengine-rtc'>;
export type TargetSource = 'config' | 'discovery' | 'api' | 'callback';

type Route = { route: string };
type UpstreamApi = { upstream: Provider; api: string };
type None = Record<never, never>;

/** The dimensions of each metric, besides `service`. */
export interface MetricDimensions {
  Requests: Route;
  Latency: Route;
  ErrorResponses: Route & { code: string };
  UpstreamCalls: UpstreamApi;
  UpstreamRetries: UpstreamApi;
  UpstreamFailures: UpstreamApi & { kind: FailureKind };
  UpstreamAuthFailures: { upstream: Provider };
  RateLimitWaits: UpstreamApi;
  RateLimitWaitTime: UpstreamApi;
  SnapshotRuns: None;
  SnapshotTargets: { source: TargetSource };
  SnapshotSamples: None;
  SnapshotGaps: None;
  SnapshotGapsByReason: { reason: string };
  SnapshotPushes: { provider: PushProvider };
  SnapshotPushFailures: { provider: PushProvider };
  SnapshotRunDuration: None;
  SnapshotTickLag: None;
  CallbacksAccepted: { provider: PushProvider };
  CallbacksRejected: { provider: PushProvider; reason: string };
}

export type MetricUnitName = 'Count' | 'Milliseconds';

/**
 * How the values of one invocation are published: `sum` adds them up into one value (counts, and
 * the total time spent waiting at a rate gate); `each` keeps every value, so a percentile of
 * Latency is a percentile of requests even if one container's flush held several.
 */
export const METRIC_UNITS: Record<MetricName, { unit: MetricUnitName; values: 'sum' | 'each' }> = {
  Requests: { unit: 'Count', values: 'sum' },
  Latency: { unit: 'Milliseconds', values: 'each' },
  ErrorResponses: { unit: 'Count', values: 'sum' },
  UpstreamCalls: { unit: 'Count', values: 'sum' },
  UpstreamRetries: { unit: 'Count', values: 'sum' },
  UpstreamFailures: { unit: 'Count', values: 'sum' },
  UpstreamAuthFailures: { unit: 'Count', values: 'sum' },
  RateLimitWaits: { unit: 'Count', values: 'sum' },
  RateLimitWaitTime: { unit: 'Milliseconds', values: 'sum' },
  SnapshotRuns: { unit: 'Count', values: 'sum' },
  SnapshotTargets: { unit: 'Count', values: 'sum' },
  SnapshotSamples: { unit: 'Count', values: 'sum' },
  SnapshotGaps: { unit: 'Count', values: 'sum' },
  SnapshotGapsByReason: { unit: 'Count', values: 'sum' },
  SnapshotPushes: { unit: 'Count', values: 'sum' },
  SnapshotPushFailures: { unit: 'Count', values: 'sum' },
  SnapshotRunDuration: { unit: 'Milliseconds', values: 'each' },
  SnapshotTickLag: { unit: 'Milliseconds', values: 'each' },
  CallbacksAccepted: { unit: 'Count', values: 'sum' },
  CallbacksRejected: { unit: 'Count', values: 'sum' },
};
