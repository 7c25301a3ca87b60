// The metric catalogue both the code and the alarms follow (README "Metrics"), written out here rather than
// read from the code or deploy/monitoring, so a name misspelt on either side fails a test instead
// of agreeing with itself. Every metric carries `service` plus the dimensions listed.

export const SERVICE_DIMENSION = { name: 'service', value: 'livegate' };

/** Our metrics (namespace `metricsNamespace`), each with its dimensions besides `service`. */
export const METRIC_CATALOGUE: Readonly<Record<string, readonly string[]>> = {
  Requests: ['route'],
  Latency: ['route'],
  ErrorResponses: ['route', 'code'],
  UpstreamCalls: ['upstream', 'api'],
  UpstreamRetries: ['upstream', 'api'],
  UpstreamFailures: ['upstream', 'api', 'kind'],
  UpstreamAuthFailures: ['upstream'],
  RateLimitWaits: ['upstream', 'api'],
  RateLimitWaitTime: ['upstream', 'api'],
  SnapshotRuns: [],
  SnapshotTargets: ['source'],
  SnapshotSamples: [],
  SnapshotGaps: [],
  SnapshotGapsByReason: ['reason'],
  SnapshotPushes: ['provider'],
  SnapshotPushFailures: ['provider'],
  SnapshotRunDuration: [],
  SnapshotTickLag: [],
  CallbacksAccepted: ['provider'],
  CallbacksRejected: ['provider', 'reason'],
};

/** The AWS built-ins the alarms and the dashboard may use, with the one dimension they are read by. */
export const AWS_METRICS: Readonly<Record<string, { dimension: string; names: readonly string[] }>> = {
  'AWS/ApiGateway': { dimension: 'ApiId', names: ['5xx', 'Count'] },
  'AWS/Lambda': { dimension: 'FunctionName', names: ['Errors', 'Throttles'] },
};
