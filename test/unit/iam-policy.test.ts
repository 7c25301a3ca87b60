import { allows, type PolicyDocument, resolveIntrinsics, wildcardMatches } from '#test/support/iam-policy.ts';

// The policy evaluator the authorization template test relies on: it must be at least as permissive as IAM,
// or a too-wide policy would pass that test.

const policy = (resources: string[], action: string | string[] = 'execute-api:Invoke'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resources }],
});

describe('IAM wildcard matching', () => {
  test('`*` matches any run of characters, slashes and nothing included', () => {
    expect(wildcardMatches('api/$default/GET/v1/groups/*/members', 'api/$default/GET/v1/groups/g1/members')).toBe(true);
    expect(wildcardMatches('api/$default/GET/v1/groups/*/members', 'api/$default/GET/v1/groups/a/b/members')).toBe(true);
    expect(wildcardMatches('api/$default/*/v1/tracking', 'api/$default/DELETE/v1/tracking')).toBe(true);
    expect(wildcardMatches('api/*', 'api/')).toBe(true);
  });

  test('`?` matches exactly one character; everything else, `$` and `.` included, matches only itself', () => {
    expect(wildcardMatches('api/$default/GE?/', 'api/$default/GET/')).toBe(true);
    expect(wildcardMatches('api/$default/GE?/', 'api/$default/GE/')).toBe(false);
    expect(wildcardMatches('api/$default/GET/', 'api/$default/GET/v1/tracking')).toBe(false);
    expect(wildcardMatches('api/$default/GET/openapi.json', 'api/$default/GET/openapiXjson')).toBe(false);
    expect(wildcardMatches('api/$default/GET/v1', 'api/xdefault/GET/v1')).toBe(false);
  });

  test('a policy allows an action and resource only when one statement matches both; actions ignore case', () => {
    expect(allows(policy(['api/$default/GET/v1/tracking']), 'execute-api:Invoke', 'api/$default/GET/v1/tracking')).toBe(true);
    expect(allows(policy(['api/$default/GET/v1/tracking'], 'Execute-API:*'), 'execute-api:Invoke', 'api/$default/GET/v1/tracking')).toBe(true);
    expect(allows(policy(['api/$default/GET/v1/tracking'], 'execute-api:ManageConnections'), 'execute-api:Invoke', 'api/$default/GET/v1/tracking')).toBe(false);
    expect(allows(policy(['api/$default/GET/v1/tracking']), 'execute-api:Invoke', 'api/$default/PUT/v1/tracking')).toBe(false);
  });

  test('a statement it cannot fully read throws rather than being misread', () => {
    const withCondition: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
    };
    expect(() => allows(withCondition, 'execute-api:Invoke', 'api')).toThrow('not understood');
    const deny: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*' }] };
    expect(() => allows(deny, 'execute-api:Invoke', 'api')).toThrow('not understood');
    expect(() => allows(policy([{ 'Fn::Sub': 'x' } as unknown as string]), 'execute-api:Invoke', 'x')).toThrow('unresolved');
  });

  test('Fn::Sub references resolve to the given values; an unknown one, or another intrinsic, throws', () => {
    const references = { 'AWS::Region': 'us-east-1', HttpApi: 'abc123' };
    // CloudFormation's own ${} syntax, written as the templates hold it.
    const sub = (text: string) => ({ 'Fn::Sub': text.replaceAll('%{', '${') });
    expect(resolveIntrinsics({ Resource: [sub('arn:%{AWS::Region}:%{HttpApi}/$default/GET/')] }, references)).toEqual({
      Resource: ['arn:us-east-1:abc123/$default/GET/'],
    });
    expect(() => resolveIntrinsics(sub('%{Other}'), references)).toThrow('unknown reference');
    expect(() => resolveIntrinsics({ 'Fn::Join': ['', ['a']] }, references)).toThrow('not understood');
  });
});
