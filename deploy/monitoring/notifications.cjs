// Where alarms send their ALARM and OK notifications. The two serverless params become the
// defaults of two CloudFormation parameters, and Conditions on those choose the topic, so the
// template is valid and every alarm exists whatever is given: with neither `alarmTopicArn` nor
// `alarmEmail` the alarms are there (console, dashboard) but notify no one.

const parameters = ({ alarmEmail, alarmTopicArn }) => ({
  AlarmEmail: {
    Type: 'String',
    Default: alarmEmail,
    AllowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    Description: 'An address subscribed to the alarm topic (empty: none)',
  },
  AlarmTopicArn: {
    Type: 'String',
    Default: alarmTopicArn,
    AllowedPattern: '^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$',
    Description: 'An existing SNS topic the alarms notify (empty: a topic of its own when AlarmEmail is given)',
  },
});

const conditions = () => ({
  AlarmTopicGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] },
  AlarmEmailGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }] },
  // Our own topic only when there is an address to send to and no topic of the deployer's.
  CreateAlarmTopic: { 'Fn::And': [{ Condition: 'AlarmEmailGiven' }, { 'Fn::Not': [{ Condition: 'AlarmTopicGiven' }] }] },
  NotifyAlarms: { 'Fn::Or': [{ Condition: 'AlarmTopicGiven' }, { Condition: 'AlarmEmailGiven' }] },
});

const topicArn = { 'Fn::If': ['AlarmTopicGiven', { Ref: 'AlarmTopicArn' }, { Ref: 'AlarmTopic' }] };

/** AlarmActions and OKActions of every alarm that notifies: the topic, or none. */
const notifyActions = () => {
  const actions = { 'Fn::If': ['NotifyAlarms', [topicArn], { Ref: 'AWS::NoValue' }] };
  return { AlarmActions: actions, OKActions: actions };
};

const resources = (context) => ({
  AlarmTopic: {
    Type: 'AWS::SNS::Topic',
    Condition: 'CreateAlarmTopic',
    Properties: { TopicName: `${context.prefix}-alarms`, DisplayName: `${context.prefix} alarms` },
  },
  // Subscribed to whichever topic the alarms use; AWS sends a confirmation mail first.
  AlarmEmailSubscription: {
    Type: 'AWS::SNS::Subscription',
    Condition: 'AlarmEmailGiven',
    Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' }, TopicArn: topicArn },
  },
});

const outputs = () => ({
  AlarmNotificationTopic: { Condition: 'NotifyAlarms', Description: 'The SNS topic the alarms notify', Value: topicArn },
});

module.exports = { parameters, conditions, notifyActions, resources, outputs };
