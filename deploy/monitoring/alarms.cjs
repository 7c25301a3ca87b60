// The alarms: what an on-call person is woken for. Each description says what broke and where
// to look; the runbook (docs/operations.md) has a section per alarm, named by the anchors below.

const { notifyActions } = require('./notifications.cjs');

// The upstreams whose credentials can be refused: every `upstream` of the catalogue. What a
// refusal does to callers differs: the code maps a provider's refusal to UPSTREAM_AUTH_FAILED, but
// a secret or a table it cannot reach is "unavailable" to it (lib/secrets.ts, lib/tracking/,
// lib/snapshots/store-dynamodb.ts), so those answer UPSTREAM_ERROR.
const AUTH_UPSTREAMS = [
  {
    id: 'tencent-im',
    key: 'TencentIm',
    what: 'Tencent Cloud Chat refused the signature (UserSig) or the SDKAppID',
    effect:
      "Callers of the group routes (and PUT of a group's tracking) get 502 UPSTREAM_AUTH_FAILED; the snapshot run stores gaps (upstream-auth-failed) for every group.",
  },
  {
    id: 'volcengine-rtc',
    key: 'VolcengineRtc',
    what: 'Volcengine RTC refused the access key or its signature',
    effect: 'Callers of the room online-users route get 502 UPSTREAM_AUTH_FAILED; the snapshot run stores gaps (upstream-auth-failed) for every room.',
  },
  {
    id: 'aws-secrets-manager',
    key: 'AwsSecretsManager',
    what: 'Secrets Manager refused to give a function its provider secret',
    effect:
      'A function instance without a copy of the secret (a new one) answers 502 UPSTREAM_ERROR (not UPSTREAM_AUTH_FAILED), the callbacks included, and its snapshot runs store gaps (secrets-unavailable); an instance holding a copy keeps using it, and answers so only once a provider refuses that copy.',
  },
  {
    id: 'aws-dynamodb',
    key: 'AwsDynamodb',
    what: "DynamoDB refused a function's role (access denied, an unknown or expired credential)",
    effect:
      'Callers of the history, tracking list and tracking PUT/DELETE routes get 502 UPSTREAM_ERROR (not UPSTREAM_AUTH_FAILED), the callbacks answer 502 (the providers retry), and a snapshot run that cannot read the tracking table or write its samples fails (Lambda errors, then snapshot runs missing).',
  },
];

const dimensions = (context, extra = {}) => Object.entries({ service: context.serviceDimension, ...extra }).map(([Name, Value]) => ({ Name, Value }));

const percent = (ratio) => `${Number((ratio * 100).toPrecision(6))} %`;

const describe = (context, text, anchor) => `${context.prefix}: ${text} Runbook: ${context.runbookUrl}#${anchor}`;

// Absent while the schedule is stopped (snapshotScheduleEnabled=false): a stopped schedule is a
// decision, not an outage, and an alarm that is always red teaches people to ignore alarms.
// Each shard completes one run a minute, so the threshold is the number of shards: under 1, one
// stopped shard of several would never be noticed.
const snapshotRunsMissing = (context) => {
  const shards = context.snapshotShards;
  const expected = shards === 1 ? 'one run a minute' : `one run a minute from each of the ${shards} shards`;
  return {
    SnapshotRunsMissingAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${context.prefix}-snapshot-runs-missing`,
        AlarmDescription: describe(
          context,
          `fewer snapshot runs completed than expected (${expected}) in each of the last 3 minutes (SnapshotRuns < ${shards} a minute; no data counts as none). The online counts of the targets of a stopped shard are not being recorded and the minutes without a run are lost. Look at the snapshot function: its errors, its logs (/aws/lambda/${context.prefix}-snapshot, the shard of each run summary), its EventBridge schedules, and the Snapshots row of dashboard ${context.prefix}.`,
          'snapshot-runs-missing',
        ),
        Namespace: context.namespace,
        MetricName: 'SnapshotRuns',
        Dimensions: dimensions(context),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: shards,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        ...notifyActions(),
      },
    },
  };
};

const snapshotMetric = (context, id, metricName) => ({
  Id: id,
  MetricStat: { Metric: { Namespace: context.namespace, MetricName: metricName, Dimensions: dimensions(context) }, Period: 300, Stat: 'Sum' },
  ReturnData: false,
});

const snapshotGapRatio = (context) => ({
  SnapshotGapRatioAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${context.prefix}-snapshot-gap-ratio`,
      AlarmDescription: describe(
        context,
        `more than ${percent(context.gapRatioThreshold)} of the ticks sampled in 5 minutes are gaps (SnapshotGaps / (SnapshotSamples + SnapshotGaps)): history is being stored as holes. SnapshotGapsByReason on dashboard ${context.prefix} says why (upstream-timeout, upstream-rate-limited, upstream-auth-failed, over-capacity, ...).`,
        'snapshot-gap-ratio',
      ),
      Metrics: [
        snapshotMetric(context, 'gaps', 'SnapshotGaps'),
        snapshotMetric(context, 'samples', 'SnapshotSamples'),
        { Id: 'ticks', Expression: 'FILL(samples, 0) + FILL(gaps, 0)', ReturnData: false },
        // No tick at all is no evidence of gaps: 0, not a division by zero.
        { Id: 'ratio', Expression: 'IF(ticks > 0, FILL(gaps, 0) / ticks, 0)', Label: 'gap ratio', ReturnData: true },
      ],
      EvaluationPeriods: 1,
      Threshold: context.gapRatioThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
      // Runs missing altogether are the other alarm's business.
      TreatMissingData: 'notBreaching',
      ...notifyActions(),
    },
  },
});

const upstreamAuthFailures = (context) =>
  Object.fromEntries(
    AUTH_UPSTREAMS.map((upstream) => [
      `UpstreamAuthFailures${upstream.key}Alarm`,
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${context.prefix}-upstream-auth-${upstream.id}`,
          AlarmDescription: describe(
            context,
            `${upstream.what} at least once in the last minute (UpstreamAuthFailures, upstream=${upstream.id}). Retries cannot help: the key, the secret or the permission must be fixed. ${upstream.effect}`,
            'upstream-auth-failures',
          ),
          Namespace: context.namespace,
          MetricName: 'UpstreamAuthFailures',
          Dimensions: dimensions(context, { upstream: upstream.id }),
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          ...notifyActions(),
        },
      },
    ]),
  );

const apiMetric = (id, metricName) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/ApiGateway', MetricName: metricName, Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }] },
    Period: 300,
    Stat: 'Sum',
  },
  ReturnData: false,
});

const apiServerErrors = (context) => ({
  ApiServerErrorRatioAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${context.prefix}-api-5xx-ratio`,
      AlarmDescription: describe(
        context,
        `more than ${percent(context.serverErrorRatioThreshold)} of the HTTP API's answers in 5 minutes were 5xx (API Gateway 5xx / Count, counted from ${context.serverErrorMinRequests} requests on). ErrorResponses by route and code on dashboard ${context.prefix} says which route and whether it is an upstream failure (502, 504) or our own (500).`,
        'api-5xx-ratio',
      ),
      Metrics: [
        apiMetric('errors', '5xx'),
        apiMetric('requests', 'Count'),
        // A handful of requests is no rate: one 5xx among three requests must not wake anyone.
        {
          Id: 'ratio',
          Expression: `IF(FILL(requests, 0) >= ${context.serverErrorMinRequests}, FILL(errors, 0) / FILL(requests, 0), 0)`,
          Label: '5xx ratio',
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: context.serverErrorRatioThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...notifyActions(),
    },
  },
});

const LAMBDA_PROBLEMS = [
  {
    metricName: 'Errors',
    key: 'Errors',
    suffix: 'errors',
    anchor: 'lambda-errors',
    what: 'ended with an unhandled error (a crash, a timeout, out of memory; contract error answers are not counted)',
    look: "the function's log group (its REPORT line, the stack) and whether a deploy just happened",
  },
  {
    metricName: 'Throttles',
    key: 'Throttles',
    suffix: 'throttles',
    anchor: 'lambda-throttles',
    what: 'was refused by Lambda for lack of concurrency (Throttles)',
    look: "the account's ConcurrentExecutions and unreserved concurrency, and which other functions of the account take it",
  },
];

// One alarm per function and problem, without actions, and one composite per problem that
// notifies: a deploy that breaks every function sends one mail naming them, not one per function.
const lambdaProblems = (context) => {
  const resources = {};
  for (const problem of LAMBDA_PROBLEMS) {
    const children = context.functions.map((fn) => {
      const logicalId = `${fn.key}${problem.key}Alarm`;
      resources[logicalId] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${context.prefix}-${fn.name}-${problem.suffix}`,
          AlarmDescription: describe(
            context,
            `function ${context.prefix}-${fn.name} ${problem.what} in the last 5 minutes. Notifies through ${context.prefix}-lambda-${problem.suffix}. Look at ${problem.look}.`,
            problem.anchor,
          ),
          Namespace: 'AWS/Lambda',
          MetricName: problem.metricName,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          ActionsEnabled: false,
        },
      };
      return logicalId;
    });
    resources[`Lambda${problem.key}Alarm`] = {
      Type: 'AWS::CloudWatch::CompositeAlarm',
      Properties: {
        AlarmName: `${context.prefix}-lambda-${problem.suffix}`,
        AlarmDescription: describe(
          context,
          `a function ${problem.what} in the last 5 minutes. The notification names the ${context.prefix}-<function>-${problem.suffix} alarms that triggered; the Lambda row of dashboard ${context.prefix} shows them. Look at ${problem.look}.`,
          problem.anchor,
        ),
        // By ARN through GetAtt, so CloudFormation creates the function alarms first.
        AlarmRule: { 'Fn::Sub': children.map((child) => `ALARM("\${${child}.Arn}")`).join(' OR ') },
        ActionsEnabled: true,
        ...notifyActions(),
      },
    };
  }
  return resources;
};

/** Every alarm, by logical id. */
const alarms = (context) => ({
  ...(context.snapshotScheduleEnabled ? snapshotRunsMissing(context) : {}),
  ...snapshotGapRatio(context),
  ...upstreamAuthFailures(context),
  ...apiServerErrors(context),
  ...lambdaProblems(context),
});

/** The names of the alarms that notify, for the dashboard's alarm widget. */
const alarmNames = (context) =>
  Object.values(alarms(context))
    .filter((alarm) => alarm.Type === 'AWS::CloudWatch::CompositeAlarm' || alarm.Properties.ActionsEnabled !== false)
    .map((alarm) => alarm.Properties.AlarmName);

module.exports = { alarms, alarmNames, AUTH_UPSTREAMS };
