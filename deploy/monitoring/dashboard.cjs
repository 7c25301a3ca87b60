// The CloudWatch dashboard: the catalogue's metrics (README "Alarms and dashboard") row by row,
// API, upstreams, snapshots, callbacks, Lambda, under the state of every alarm. Dimensions
// whose values the code decides (route, api, kind, reason, source, provider) are read with
// SEARCH, so a new route or reason shows up without touching this file.

const PERIOD = 60;

/** A `${name}` that Fn::Sub fills: a pseudo parameter, or the Ref of a resource. */
const sub = (name) => `\${${name}}`;

/** A SEARCH over one metric of our namespace with exactly the catalogue's dimensions. */
const search = (context, id, metricName, dimensionNames, stat, label = '') => ({
  expression: `SEARCH('{"${context.namespace}",${['service', ...dimensionNames].join(',')}} MetricName="${metricName}"', '${stat}', ${PERIOD})`,
  id,
  label,
});

/** One of our metrics that has no dimension but `service`. */
const own = (context, metricName, options) => [context.namespace, metricName, 'service', context.serviceDimension, options];

const api = (metricName, options) => ['AWS/ApiGateway', metricName, 'ApiId', sub('HttpApi'), options];

const graph = (title, metrics, extra = {}) => ({
  type: 'metric',
  properties: { title, region: sub('AWS::Region'), view: 'timeSeries', stacked: false, period: PERIOD, metrics, ...extra },
});

// Widgets in rows; each row's widgets share its width equally.
const rows = (context) => [
  [
    {
      type: 'text',
      height: 2,
      properties: {
        markdown: `# ${context.prefix}\nEvery alarm, what it means and what to do first: [runbook](${context.runbookUrl}). Metrics: namespace \`${context.namespace}\`, dimension \`service=${context.serviceDimension}\`; no group or room is ever a dimension (the snapshot table has them).`,
      },
    },
  ],
  [
    {
      type: 'alarm',
      height: 4,
      properties: {
        title: 'Alarms',
        alarms: context.alarmNames.map((name) => `arn:${sub('AWS::Partition')}:cloudwatch:${sub('AWS::Region')}:${sub('AWS::AccountId')}:alarm:${name}`),
      },
    },
  ],
  [
    graph('Requests per route', [[search(context, 'requests', 'Requests', ['route'], 'Sum')]]),
    graph('Latency per route, p99 (ms)', [[search(context, 'latency', 'Latency', ['route'], 'p99')]]),
    graph('Error answers by route and code', [[search(context, 'errors', 'ErrorResponses', ['route', 'code'], 'Sum')]]),
  ],
  [
    graph(
      'API Gateway: 5xx and requests',
      [
        api('5xx', { id: 'errors', stat: 'Sum', label: '5xx' }),
        api('Count', { id: 'requests', stat: 'Sum', label: 'requests' }),
        [{ expression: 'IF(FILL(requests, 0) > 0, FILL(errors, 0) / FILL(requests, 0), 0)', id: 'ratio', label: '5xx ratio', yAxis: 'right' }],
      ],
      { annotations: { horizontal: [{ label: 'alarm over', value: context.serverErrorRatioThreshold, yAxis: 'right' }] } },
    ),
    graph(
      'Lambda errors per function',
      context.functions.map((fn) => ['AWS/Lambda', 'Errors', 'FunctionName', sub(fn.logicalId), { stat: 'Sum', label: fn.name }]),
    ),
    graph(
      'Lambda throttles per function',
      context.functions.map((fn) => ['AWS/Lambda', 'Throttles', 'FunctionName', sub(fn.logicalId), { stat: 'Sum', label: fn.name }]),
    ),
  ],
  [
    graph('Upstream calls (attempts)', [[search(context, 'calls', 'UpstreamCalls', ['upstream', 'api'], 'Sum')]]),
    graph('Upstream retries', [[search(context, 'retries', 'UpstreamRetries', ['upstream', 'api'], 'Sum')]]),
    graph('Upstream failures by kind', [[search(context, 'failures', 'UpstreamFailures', ['upstream', 'api', 'kind'], 'Sum')]]),
    graph('Upstream auth failures', [[search(context, 'auth', 'UpstreamAuthFailures', ['upstream'], 'Sum')]]),
  ],
  [
    graph('Rate-limit waits', [[search(context, 'waits', 'RateLimitWaits', ['upstream', 'api'], 'Sum')]]),
    graph('Rate-limit wait time (ms waited, sum)', [[search(context, 'waited', 'RateLimitWaitTime', ['upstream', 'api'], 'Sum')]]),
  ],
  [
    graph('Snapshot runs completed', [own(context, 'SnapshotRuns', { stat: 'Sum', label: 'runs' })], {
      annotations: { horizontal: [{ label: 'alarm under', value: context.snapshotShards }] },
    }),
    graph('Snapshot run duration and tick lag (ms, max)', [
      own(context, 'SnapshotRunDuration', { stat: 'Maximum', label: 'run duration' }),
      own(context, 'SnapshotTickLag', { stat: 'Maximum', label: 'worst tick lag' }),
    ]),
    graph(
      'Snapshot samples and gaps',
      [
        own(context, 'SnapshotSamples', { id: 'samples', stat: 'Sum', label: 'samples' }),
        own(context, 'SnapshotGaps', { id: 'gaps', stat: 'Sum', label: 'gaps' }),
        [
          {
            expression: 'IF(FILL(samples, 0) + FILL(gaps, 0) > 0, FILL(gaps, 0) / (FILL(samples, 0) + FILL(gaps, 0)), 0)',
            id: 'ratio',
            label: 'gap ratio',
            yAxis: 'right',
          },
        ],
      ],
      { annotations: { horizontal: [{ label: 'alarm over', value: context.gapRatioThreshold, yAxis: 'right' }] } },
    ),
    graph('Snapshot gaps by reason', [[search(context, 'reasons', 'SnapshotGapsByReason', ['reason'], 'Sum')]]),
  ],
  [
    // Each run (each shard's) counts its targets once a minute: the average is a run's targets.
    graph('Snapshot targets by source (per run)', [[search(context, 'targets', 'SnapshotTargets', ['source'], 'Average')]]),
    graph('Audience pushes and failures', [
      [search(context, 'pushes', 'SnapshotPushes', ['provider'], 'Sum', 'pushes')],
      [search(context, 'pushFailures', 'SnapshotPushFailures', ['provider'], 'Sum', 'failed')],
    ]),
    graph('Callbacks accepted and rejected', [
      [search(context, 'accepted', 'CallbacksAccepted', ['provider'], 'Sum', 'accepted')],
      [search(context, 'rejected', 'CallbacksRejected', ['provider', 'reason'], 'Sum', 'rejected')],
    ]),
  ],
];

const GRID_WIDTH = 24;
const HEIGHT = 6;

const layout = (widgetRows) => {
  const widgets = [];
  let y = 0;
  for (const row of widgetRows) {
    const width = GRID_WIDTH / row.length;
    const height = Math.max(...row.map((widget) => widget.height ?? HEIGHT));
    row.forEach((widget, column) => {
      widgets.push({ ...widget, x: column * width, y, width, height });
    });
    y += height;
  }
  return widgets;
};

/** The dashboard body as CloudFormation writes it: JSON whose `${...}` (region, account, API id, function names) Fn::Sub fills. */
const dashboardBody = (context) => ({ 'Fn::Sub': JSON.stringify({ widgets: layout(rows(context)) }) });

const resources = (context) => ({
  Dashboard: {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: context.prefix, DashboardBody: dashboardBody(context) },
  },
});

const outputs = () => ({
  DashboardUrl: {
    Description: 'The CloudWatch dashboard of this stage',
    Value: {
      'Fn::Sub': `https://${sub('AWS::Region')}.console.aws.amazon.com/cloudwatch/home?region=${sub('AWS::Region')}#dashboards:name=${sub('Dashboard')}`,
    },
  },
});

module.exports = { resources, outputs };
