import { readFileSync } from 'node:fs';
import { PROVIDERS } from '#lib/upstream/failure.ts';
import { type PackagedService, packageService, resourcesOfType } from '#support/package-service.ts';
import { AWS_METRICS, METRIC_CATALOGUE, SERVICE_DIMENSION } from './metric-catalogue.ts';

// The alarms and the dashboard, read from the CloudFormation template `serverless package` writes
// (deploy/monitoring.cjs), with CloudFormation's own Conditions and Fn::Sub worked out here.

interface Template {
  Parameters?: Record<string, { Default?: string }>;
  Conditions?: Record<string, any>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: any }>;
  Outputs?: Record<string, any>;
}

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';
const OPERATIONS = readFileSync('docs/operations.md', 'utf8');

let plain: PackagedService;
let withEmail: PackagedService;
let withTopic: PackagedService;
beforeAll(() => {
  plain = packageService({ stage: 'prod' });
  withEmail = packageService({
    stage: 'prod',
    params: [
      'alarmEmail=oncall@example.com',
      'metricsNamespace=Livegate-prod',
      'gapRatioThreshold=0.1',
      'serverErrorRatioThreshold=0.02',
      'serverErrorMinRequests=50',
      'runbookUrl=https://git.example.com/livegate/docs/operations.md',
      'snapshotScheduleEnabled=false',
    ],
  });
  withTopic = packageService({ stage: 'prod', params: [`alarmTopicArn=${TOPIC_ARN}`, 'alarmEmail=oncall@example.com', 'snapshotShards=3'] });
});

const templateOf = (service: PackagedService): Template => service.template as Template;

// --- CloudFormation, as far as these templates use it -------------------------------------------

const parameterValue = (template: Template, value: any): unknown =>
  value && typeof value === 'object' && 'Ref' in value && template.Parameters?.[value.Ref] ? template.Parameters[value.Ref]?.Default : value;

const holds = (template: Template, condition: any): boolean => {
  if (typeof condition === 'string') return holds(template, template.Conditions?.[condition]);
  if ('Condition' in condition) return holds(template, condition.Condition);
  if ('Fn::Equals' in condition) {
    const [left, right] = condition['Fn::Equals'].map((side: unknown) => parameterValue(template, side));
    return left === right;
  }
  if ('Fn::Not' in condition) return !holds(template, condition['Fn::Not'][0]);
  if ('Fn::And' in condition) return condition['Fn::And'].every((part: unknown) => holds(template, part));
  if ('Fn::Or' in condition) return condition['Fn::Or'].some((part: unknown) => holds(template, part));
  throw new Error(`condition not understood: ${JSON.stringify(condition)}`);
};

const NO_VALUE = Symbol('AWS::NoValue');

/** A value with every Fn::If decided, every parameter's Ref replaced by its value and every AWS::NoValue dropped, as CloudFormation deploys it. */
const decided = (template: Template, value: any): any => {
  if (Array.isArray(value)) return value.map((item) => decided(template, item)).filter((item) => item !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  if (value.Ref === 'AWS::NoValue') return NO_VALUE;
  if (typeof value.Ref === 'string' && template.Parameters?.[value.Ref]) return template.Parameters[value.Ref]?.Default;
  if ('Fn::If' in value) {
    const [condition, whenTrue, whenFalse] = value['Fn::If'];
    return decided(template, holds(template, condition) ? whenTrue : whenFalse);
  }
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, item]) => [key, decided(template, item)])
      .filter(([, item]) => item !== NO_VALUE),
  );
};

/** The resources CloudFormation creates: those whose Condition holds, with their properties decided. */
const deployed = (service: PackagedService): Template['Resources'] => {
  const template = templateOf(service);
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => !resource.Condition || holds(template, resource.Condition))
      .map(([name, resource]) => [name, { ...resource, Properties: decided(template, resource.Properties) }]),
  );
};

const alarmsOf = (service: PackagedService) =>
  Object.fromEntries(
    Object.entries(deployed(service)).filter(([, resource]) => resource.Type.startsWith('AWS::CloudWatch::') && resource.Type.endsWith('Alarm')),
  );

const lambdaFunctions = (service: PackagedService) => resourcesOfType(service, 'AWS::Lambda::Function').map(([logicalId]) => logicalId);

/** The dashboard body with Fn::Sub done: pseudo parameters and Refs to resources that exist. */
const dashboardBody = (service: PackagedService): any => {
  const resources = deployed(service);
  const pseudo: Record<string, string> = { 'AWS::Region': 'ap-southeast-1', 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws' };
  const text: string = resources.Dashboard?.Properties.DashboardBody['Fn::Sub'];
  const substituted = text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (pseudo[name]) return pseudo[name];
    if (resources[name]) return `ref-of-${name}`;
    throw new Error(`the dashboard body names \${${name}}, which is neither a pseudo parameter nor a resource`);
  });
  return JSON.parse(substituted);
};

interface MetricUse {
  namespace: string;
  name: string;
  dimensions: string[];
  where: string;
}

const SEARCH = /^SEARCH\('\{"?([^",}]+)"?((?:,[A-Za-z]+)*)\} MetricName="([^"]+)"', '([A-Za-z0-9.]+)', (\d+)\)$/;

/** Every metric a dashboard widget reads, from its metric lines and its SEARCH expressions. */
const dashboardMetrics = (body: any): MetricUse[] =>
  body.widgets
    .filter((widget: any) => widget.type === 'metric')
    .flatMap((widget: any) =>
      widget.properties.metrics.flatMap((line: any[]): MetricUse[] => {
        const where = `dashboard widget "${widget.properties.title}"`;
        if (typeof line[0] === 'string') {
          const [namespace, name, ...rest] = line;
          const pairs = rest.filter((item) => typeof item === 'string');
          return [{ namespace, name, dimensions: pairs.filter((_, i) => i % 2 === 0), where }];
        }
        const expression: string = line[0].expression;
        if (!expression.includes('SEARCH')) return [];
        const search = SEARCH.exec(expression);
        if (!search) throw new Error(`${where}: a SEARCH not of the expected shape: ${expression}`);
        const [, namespace, dimensions, name] = search as unknown as string[];
        return [{ namespace: namespace!, name: name!, dimensions: dimensions!.split(',').filter(Boolean), where }];
      }),
    );

/** Every metric an alarm reads, single metric or inside metric math. */
const alarmMetrics = (service: PackagedService): MetricUse[] =>
  Object.entries(alarmsOf(service)).flatMap(([logicalId, alarm]) => {
    const p = alarm.Properties;
    const metrics = p.MetricName
      ? [{ Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }]
      : (p.Metrics ?? []).flatMap((query: any) => (query.MetricStat ? [query.MetricStat.Metric] : []));
    return metrics.map((metric: any) => ({
      namespace: metric.Namespace,
      name: metric.MetricName,
      dimensions: (metric.Dimensions ?? []).map((dimension: any) => dimension.Name),
      where: `alarm ${logicalId}`,
    }));
  });

// Each `## ` heading of the runbook, as the anchor GitHub gives it.
const runbookAnchors = (): string[] =>
  [...OPERATIONS.matchAll(/^#{2,3} (.+)$/gm)].map((heading) =>
    heading[1]!
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  );

const serviceDimension = [{ Name: SERVICE_DIMENSION.name, Value: SERVICE_DIMENSION.value }];

// --- the tests ------------------------------------------------------------------------------------

describe('alarms', () => {
  test('snapshot runs missing: SnapshotRuns Sum < the number of shards in each of 3 one-minute periods, missing data breaching', () => {
    for (const [service, shards] of [
      [plain, 1],
      [withTopic, 3],
    ] as const) {
      const alarm = alarmsOf(service).SnapshotRunsMissingAlarm?.Properties;
      expect(alarm).toMatchObject({
        AlarmName: 'livegate-prod-snapshot-runs-missing',
        Namespace: 'Livegate/prod',
        MetricName: 'SnapshotRuns',
        Dimensions: serviceDimension,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        // Each shard's schedule starts one run a minute: one stopped shard of three leaves 2 a minute.
        Threshold: shards,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(alarm.AlarmDescription).toContain(`SnapshotRuns < ${shards} a minute`);
      expect(resourcesOfType(service, 'AWS::Events::Rule')).toHaveLength(shards);
      const runsGraph = dashboardBody(service).widgets.find((widget: any) => widget.properties.title === 'Snapshot runs completed');
      expect(runsGraph.properties.annotations.horizontal).toEqual([{ label: 'alarm under', value: shards }]);
    }
  });

  test('gap ratio: SnapshotGaps / (SnapshotSamples + SnapshotGaps) over 5 minutes, guarded against no ticks, over the threshold param', () => {
    const alarm = alarmsOf(plain).SnapshotGapRatioAlarm?.Properties;
    const metric = (id: string, name: string) => ({
      Id: id,
      MetricStat: { Metric: { Namespace: 'Livegate/prod', MetricName: name, Dimensions: serviceDimension }, Period: 300, Stat: 'Sum' },
      ReturnData: false,
    });
    expect(alarm).toMatchObject({
      AlarmName: 'livegate-prod-snapshot-gap-ratio',
      Metrics: [
        metric('gaps', 'SnapshotGaps'),
        metric('samples', 'SnapshotSamples'),
        { Id: 'ticks', Expression: 'FILL(samples, 0) + FILL(gaps, 0)', ReturnData: false },
        { Id: 'ratio', Expression: 'IF(ticks > 0, FILL(gaps, 0) / ticks, 0)', ReturnData: true },
      ],
      EvaluationPeriods: 1,
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    // A single-metric alarm's fields and a math alarm's cannot be mixed (PutMetricAlarm refuses it).
    for (const field of ['MetricName', 'Namespace', 'Statistic', 'Period', 'Dimensions']) expect(alarm).not.toHaveProperty(field);
    expect(alarm.Metrics.filter((query: any) => query.ReturnData)).toHaveLength(1);
  });

  test('upstream auth: one alarm per upstream, UpstreamAuthFailures Sum >= 1 in a minute, missing data not breaching', () => {
    const alarms = alarmsOf(plain);
    const upstreams = { TencentIm: 'tencent-im', VolcengineRtc: 'volcengine-rtc', AwsSecretsManager: 'aws-secrets-manager', AwsDynamodb: 'aws-dynamodb' };
    const authAlarms = Object.values(alarms).filter((alarm) => alarm.Properties.MetricName === 'UpstreamAuthFailures');
    expect(authAlarms).toHaveLength(4);
    // Every upstream the code counts auth failures for (lib/metrics/aws-sdk.ts, the provider clients) is watched.
    expect(authAlarms.map((alarm) => alarm.Properties.Dimensions[1].Value).sort()).toEqual([...PROVIDERS].sort());
    for (const [key, upstream] of Object.entries(upstreams)) {
      expect(alarms[`UpstreamAuthFailures${key}Alarm`]?.Properties).toMatchObject({
        AlarmName: `livegate-prod-upstream-auth-${upstream}`,
        Namespace: 'Livegate/prod',
        MetricName: 'UpstreamAuthFailures',
        Dimensions: [...serviceDimension, { Name: 'upstream', Value: upstream }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  test('upstream auth: each description names the answer callers get from that upstream', () => {
    const alarms = alarmsOf(plain);
    // A provider's refusal is UPSTREAM_AUTH_FAILED; a refused secret read or table call reaches the
    // caller as the secret or the table being unavailable (lib/http/to-api-error.ts).
    for (const [key, code] of [
      ['TencentIm', 'UPSTREAM_AUTH_FAILED'],
      ['VolcengineRtc', 'UPSTREAM_AUTH_FAILED'],
      ['AwsSecretsManager', 'UPSTREAM_ERROR'],
      ['AwsDynamodb', 'UPSTREAM_ERROR'],
    ] as const) {
      const description: string = alarms[`UpstreamAuthFailures${key}Alarm`]?.Properties.AlarmDescription;
      expect({ key, says: description.includes(`502 ${code}`) }).toEqual({ key, says: true });
      if (code === 'UPSTREAM_ERROR') expect({ key, says: /get 502 UPSTREAM_AUTH_FAILED/.test(description) }).toEqual({ key, says: false });
    }
  });

  test('5xx: API Gateway 5xx / Count of this HTTP API over 5 minutes above 1 %, only from the minimum of requests on', () => {
    const alarm = alarmsOf(plain).ApiServerErrorRatioAlarm?.Properties;
    const metric = (id: string, name: string) => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: 'AWS/ApiGateway', MetricName: name, Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }] },
        Period: 300,
        Stat: 'Sum',
      },
      ReturnData: false,
    });
    expect(alarm).toMatchObject({
      AlarmName: 'livegate-prod-api-5xx-ratio',
      Metrics: [
        metric('errors', '5xx'),
        metric('requests', 'Count'),
        { Id: 'ratio', Expression: 'IF(FILL(requests, 0) >= 20, FILL(errors, 0) / FILL(requests, 0), 0)', ReturnData: true },
      ],
      EvaluationPeriods: 1,
      Threshold: 0.01,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(templateOf(plain).Resources.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
  });

  test('Lambda errors and throttles: an alarm per function and problem, silent, and one composite per problem that notifies', () => {
    const alarms = alarmsOf(withEmail);
    const functions = lambdaFunctions(withEmail);
    expect(functions).toHaveLength(19);
    for (const [problem, suffix] of [
      ['Errors', 'errors'],
      ['Throttles', 'throttles'],
    ] as const) {
      const children = Object.entries(alarms).filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/Lambda' && alarm.Properties.MetricName === problem);
      expect(children.map(([, alarm]) => alarm.Properties.Dimensions[0].Value.Ref).sort()).toEqual([...functions].sort());
      for (const [, alarm] of children) {
        const functionName = alarm.Properties.Dimensions[0].Value.Ref.replace(/LambdaFunction$/, '');
        expect(alarm.Properties).toEqual(
          expect.objectContaining({
            AlarmName: `livegate-prod-${functionName[0].toLowerCase()}${functionName.slice(1)}-${suffix}`,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${functionName}LambdaFunction` } }],
            Statistic: 'Sum',
            Period: 300,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
            ActionsEnabled: false,
          }),
        );
        expect(alarm.Properties).not.toHaveProperty('AlarmActions');
      }
      const composite = alarms[`Lambda${problem}Alarm`];
      expect(composite?.Type).toBe('AWS::CloudWatch::CompositeAlarm');
      expect(composite?.Properties.AlarmName).toBe(`livegate-prod-lambda-${suffix}`);
      expect(composite?.Properties.AlarmRule).toEqual({
        'Fn::Sub': children.map(([logicalId]) => `ALARM("\${${logicalId}.Arn}")`).join(' OR '),
      });
      expect(composite?.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    }
  });

  test('every alarm tells the on-call person what it means and names its section of the runbook', () => {
    const anchors = runbookAnchors();
    for (const [service, runbook] of [
      [plain, 'docs/operations.md'],
      [withEmail, 'https://git.example.com/livegate/docs/operations.md'],
    ] as const) {
      for (const [logicalId, alarm] of Object.entries(alarmsOf(service))) {
        const description: string = alarm.Properties.AlarmDescription;
        expect({ logicalId, length: description.length <= 1024 }).toEqual({ logicalId, length: true });
        const link = new RegExp(`Runbook: ${runbook.replace(/[.]/g, '\\.')}#([a-z0-9-]+)$`).exec(description);
        expect({ logicalId, anchor: link && anchors.includes(link[1]!) }).toEqual({ logicalId, anchor: true });
      }
    }
  });
});

describe('alarm notifications', () => {
  const notifying = (service: PackagedService) => Object.entries(alarmsOf(service)).filter(([, alarm]) => alarm.Properties.ActionsEnabled !== false);

  test('without alarmEmail or alarmTopicArn every alarm exists and notifies no one', () => {
    const resources = deployed(plain);
    expect(resources.AlarmTopic).toBeUndefined();
    expect(resources.AlarmEmailSubscription).toBeUndefined();
    expect(notifying(plain).length).toBe(9);
    expect(Object.keys(alarmsOf(plain)).length).toBe(9 + 2 * 19);
    for (const [logicalId, alarm] of Object.entries(alarmsOf(plain))) {
      expect({ logicalId, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({ logicalId, alarm: undefined, ok: undefined });
    }
    expect(holds(templateOf(plain), 'NotifyAlarms')).toBe(false);
  });

  test('with alarmEmail: a topic of its own, the address subscribed, and ALARM and OK of every alarm sent to it', () => {
    const resources = deployed(withEmail);
    expect(resources.AlarmTopic).toMatchObject({ Type: 'AWS::SNS::Topic', Properties: { TopicName: 'livegate-prod-alarms' } });
    expect(resources.AlarmEmailSubscription?.Properties).toEqual({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: 'AlarmTopic' } });
    const alarms = notifying(withEmail);
    // The snapshot-runs alarm is absent with the schedule stopped (below).
    expect(alarms.length).toBe(8);
    for (const [logicalId, alarm] of alarms) {
      expect({ logicalId, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
        logicalId,
        alarm: [{ Ref: 'AlarmTopic' }],
        ok: [{ Ref: 'AlarmTopic' }],
      });
      expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
    }
  });

  test('with alarmTopicArn: that topic, none of its own; an alarmEmail beside it is subscribed to that topic', () => {
    const resources = deployed(withTopic);
    expect(resources.AlarmTopic).toBeUndefined();
    expect(resources.AlarmEmailSubscription?.Properties).toEqual({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: TOPIC_ARN });
    for (const [logicalId, alarm] of notifying(withTopic)) {
      expect({ logicalId, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({ logicalId, alarm: [TOPIC_ARN], ok: [TOPIC_ARN] });
    }
    expect(decided(templateOf(withTopic), templateOf(withTopic).Outputs?.AlarmNotificationTopic.Value)).toBe(TOPIC_ARN);
  });

  test('every Ref, GetAtt and Fn::Sub name of the monitoring resources exists in the template that deploys', () => {
    for (const service of [plain, withEmail, withTopic]) {
      const template = templateOf(service);
      const resources = deployed(service);
      const known = (name: string) => name.startsWith('AWS::') || name in resources || name in (template.Parameters ?? {});
      const names: string[] = [];
      const collect = (value: any): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === 'object') {
          if (typeof value.Ref === 'string') names.push(value.Ref);
          if (value['Fn::GetAtt']) names.push(value['Fn::GetAtt'][0]);
          if (typeof value['Fn::Sub'] === 'string') for (const match of value['Fn::Sub'].matchAll(/\$\{([^}.]+)[^}]*\}/g)) names.push(match[1]!);
          Object.values(value).forEach(collect);
        }
      };
      for (const resource of Object.values(resources).filter((r) => /^AWS::(CloudWatch|SNS)::/.test(r.Type))) collect(resource.Properties);
      expect(names.filter((name) => !known(name))).toEqual([]);
    }
  });
});

describe('parameters reach the alarms', () => {
  test('metricsNamespace, the thresholds and the minimum of requests are the ones given', () => {
    const alarms = alarmsOf(withEmail);
    for (const use of alarmMetrics(withEmail).filter((metric) => !metric.namespace.startsWith('AWS/')))
      expect(use).toMatchObject({ namespace: 'Livegate-prod' });
    expect(alarms.SnapshotGapRatioAlarm?.Properties.Threshold).toBe(0.1);
    expect(alarms.ApiServerErrorRatioAlarm?.Properties.Threshold).toBe(0.02);
    expect(alarms.ApiServerErrorRatioAlarm?.Properties.Metrics[2].Expression).toBe('IF(FILL(requests, 0) >= 50, FILL(errors, 0) / FILL(requests, 0), 0)');
  });

  test('with the snapshot schedule stopped the snapshot-runs alarm is absent, everywhere', () => {
    expect(alarmsOf(withEmail).SnapshotRunsMissingAlarm).toBeUndefined();
    expect(resourcesOfType(withEmail, 'AWS::Events::Rule').map(([, rule]) => rule.Properties.State)).toEqual(['DISABLED']);
    const alarmWidget = dashboardBody(withEmail).widgets.find((widget: any) => widget.type === 'alarm');
    expect(alarmWidget.properties.alarms.some((arn: string) => arn.endsWith('snapshot-runs-missing'))).toBe(false);
    expect(dashboardBody(plain).widgets.find((widget: any) => widget.type === 'alarm').properties.alarms).toContain(
      'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:livegate-prod-snapshot-runs-missing',
    );
  });

  test('a value that cannot work stops packaging', () => {
    const output = (param: string): string => {
      try {
        packageService({ params: [param] });
        return 'packaged';
      } catch (error: any) {
        return `${error.stdout}${error.stderr}`;
      }
    };
    // What serverless prints, not the command line (which holds the param too).
    for (const param of [
      'gapRatioThreshold=5',
      'serverErrorRatioThreshold=abc',
      'alarmEmail=not-an-address',
      'alarmTopicArn=ops-alarms',
      'metricsNamespace=AWS/Lambda',
      'snapshotShards=0',
    ]) {
      expect(output(param)).toContain(`${param.split('=')[0]} must be`);
    }
  });
});

describe('dashboard', () => {
  test('its body is JSON once CloudFormation has substituted the region, the account, the API id and the functions', () => {
    for (const service of [plain, withEmail]) {
      const body = dashboardBody(service);
      expect(body.widgets.length).toBeGreaterThan(10);
      for (const widget of body.widgets) {
        expect(widget.x + widget.width).toBeLessThanOrEqual(24);
        if (widget.type === 'metric') expect(widget.properties.region).toBe('ap-southeast-1');
      }
    }
    const text = deployed(plain).Dashboard?.Properties.DashboardBody['Fn::Sub'];
    expect(text).toContain(`"ApiId","\${HttpApi}"`);
    expect(deployed(plain).Dashboard?.Properties.DashboardName).toBe('livegate-prod');
  });

  test('it shows every metric of the catalogue, by its catalogue dimensions, and the AWS built-ins the alarms use', () => {
    const uses = dashboardMetrics(dashboardBody(plain));
    const ours = uses.filter((use) => use.namespace === 'Livegate/prod');
    expect([...new Set(ours.map((use) => use.name))].sort()).toEqual(Object.keys(METRIC_CATALOGUE).sort());
    for (const [namespace, { names }] of Object.entries(AWS_METRICS))
      expect([...new Set(uses.filter((use) => use.namespace === namespace).map((use) => use.name))].sort()).toEqual([...names].sort());
    // Every function's errors and throttles.
    expect(uses.filter((use) => use.namespace === 'AWS/Lambda').length).toBe(2 * 19);
  });
});

describe('the catalogue', () => {
  test('no metric in the alarms or the dashboard is outside the catalogue, nor read by other dimensions than its own', () => {
    for (const service of [plain, withEmail]) {
      const namespace = service === plain ? 'Livegate/prod' : 'Livegate-prod';
      const uses = [...alarmMetrics(service), ...dashboardMetrics(dashboardBody(service))];
      expect(uses.length).toBeGreaterThan(60);
      const wrong = uses.filter((use) => {
        if (use.namespace === namespace) {
          const dimensions = METRIC_CATALOGUE[use.name];
          return !dimensions || JSON.stringify(use.dimensions) !== JSON.stringify([SERVICE_DIMENSION.name, ...dimensions]);
        }
        const builtIn = AWS_METRICS[use.namespace];
        return !builtIn?.names.includes(use.name) || JSON.stringify(use.dimensions) !== JSON.stringify([builtIn.dimension]);
      });
      expect(wrong).toEqual([]);
    }
  });

  test('every metric name anywhere in the template, as a MetricName field or inside any text, is one the catalogue knows', () => {
    const known = new Set([...Object.keys(METRIC_CATALOGUE), ...Object.values(AWS_METRICS).flatMap((metrics) => metrics.names)]);
    const names: string[] = [];
    const collect = (value: any): void => {
      // In the dashboard body the quotes of a SEARCH are JSON-escaped.
      if (typeof value === 'string') for (const match of value.matchAll(/MetricName=\\?"([^"\\]+)\\?"/g)) names.push(match[1]!);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object')
        for (const [key, item] of Object.entries(value)) {
          if (key === 'MetricName') names.push(item as string);
          collect(item);
        }
    };
    collect(plain.template);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    // The dashboard's SEARCH expressions are read too.
    expect(names).toContain('UpstreamRetries');
  });
});
