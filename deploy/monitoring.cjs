// The alarms and the CloudWatch dashboard, merged into serverless.yml's resources (README
// "Alarms and dashboard", runbook docs/operations.md). A script rather than YAML so that every
// function gets its Lambda alarms and its dashboard lines from the functions list: a function
// added later is watched without anyone remembering to.
const alarms = require('./monitoring/alarms.cjs');
const dashboard = require('./monitoring/dashboard.cjs');
const notifications = require('./monitoring/notifications.cjs');
const { readSnapshotSchedule } = require('./snapshot-schedule-params.cjs');

// The `service` dimension every metric carries is the code's constant, not this stage's service name.
const SERVICE_DIMENSION = 'livegate';

const ratioParam = (name, value) => {
  const ratio = Number(value);
  if (!(ratio > 0 && ratio < 1)) throw new Error(`${name} must be a ratio between 0 and 1 (0.01 is 1 %), got ${value}`);
  return ratio;
};

const shaped = (name, value, pattern, shape) => {
  if (!pattern.test(value)) throw new Error(`${name} must be ${shape}, got "${value}"`);
  return value;
};

/** Empty means not given. */
const optional = (name, value, pattern, shape) => (value === '' ? value : shaped(name, value, pattern, shape));

// The logical id serverless gives a function (its naming.getNormalizedFunctionName).
const logicalIdOf = (name) => {
  const normalized = name.replaceAll('-', 'Dash').replaceAll('_', 'Underscore');
  return `${normalized[0].toUpperCase()}${normalized.slice(1)}`;
};

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const param = async (name) => String(await resolveVariable(`param:${name}`));
  const prefix = `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}`;
  const minRequests = Number(await param('serverErrorMinRequests'));
  if (!Number.isInteger(minRequests) || minRequests < 1) throw new Error(`serverErrorMinRequests must be a whole number from 1, got ${minRequests}`);
  const schedule = await readSnapshotSchedule(resolveVariable);
  const context = {
    prefix,
    serviceDimension: SERVICE_DIMENSION,
    namespace: shaped('metricsNamespace', await param('metricsNamespace'), /^(?!AWS\/)[A-Za-z0-9._/#:-]{1,255}$/, 'a CloudWatch namespace'),
    alarmEmail: optional('alarmEmail', await param('alarmEmail'), /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address'),
    alarmTopicArn: optional('alarmTopicArn', await param('alarmTopicArn'), /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN'),
    gapRatioThreshold: ratioParam('gapRatioThreshold', await param('gapRatioThreshold')),
    serverErrorRatioThreshold: ratioParam('serverErrorRatioThreshold', await param('serverErrorRatioThreshold')),
    serverErrorMinRequests: minRequests,
    runbookUrl: await param('runbookUrl'),
    snapshotScheduleEnabled: schedule.enabled,
    snapshotShards: schedule.shards,
    functions: Object.keys(await resolveConfigurationProperty(['functions'])).map((name) => ({
      name,
      key: logicalIdOf(name),
      logicalId: `${logicalIdOf(name)}LambdaFunction`,
    })),
  };
  context.alarmNames = alarms.alarmNames(context);
  return {
    Parameters: notifications.parameters(context),
    Conditions: notifications.conditions(context),
    Resources: { ...notifications.resources(context), ...alarms.alarms(context), ...dashboard.resources(context) },
    Outputs: { ...notifications.outputs(context), ...dashboard.outputs(context) },
  };
};
