import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_CREDENTIALS } from '../../emulator/credentials.ts';
import { ROUTES } from '../../lib/http/routes.ts';
import { EXAMPLE_SECRET_ARNS, type PackagedService, packageService, resourcesOfType, roleStatements } from '../support/package-template.ts';

// What gets deployed, read from the CloudFormation template that `serverless package` writes.

let service: PackagedService;
beforeAll(() => {
  service = packageService();
});

const functions = () => resourcesOfType(service, 'AWS::Lambda::Function');
const roleOf = (fn: { Properties: any }): string => fn.Properties.Role['Fn::GetAtt'][0];
const secretsReadableBy = (roleName: string): unknown[] =>
  roleStatements(service, roleName)
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')))
    .map((statement) => statement.Resource);

describe('packaged CloudFormation template', () => {
  test('every route, including the catch-all, requires IAM authorization by default', () => {
    const routes = resourcesOfType(service, 'AWS::ApiGatewayV2::Route');
    expect(routes.map(([, route]) => route.Properties.RouteKey).sort()).toEqual(
      [...ROUTES.map((route) => `${route.method} ${route.path}`), '$default'].sort(),
    );
    for (const [, route] of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  test('with authMode=jwt every route uses the JWT authorizer of the given issuer and audience', () => {
    const jwt = packageService(['authMode=jwt', 'jwtIssuerUrl=https://auth.example.com/', 'jwtAudience=livegate-api']);
    const authorizers = resourcesOfType(jwt, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({
      AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['livegate-api'] },
    });
    const routes = resourcesOfType(jwt, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBe(ROUTES.length + 1);
    for (const [, route] of routes) expect(route.Properties.AuthorizationType).toBe('JWT');
  });

  test('every function runs on nodejs22.x', () => {
    expect(functions().length).toBe(5);
    for (const [, fn] of functions()) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  test('each function can read only the secret it uses, and its role grants nothing else but logs', () => {
    for (const [name, fn] of functions()) {
      const env = fn.Properties.Environment?.Variables ?? {};
      const usedSecrets = [env.TENCENT_SECRET_ID, env.VOLC_SECRET_ID].filter(Boolean);
      expect({ name, readable: secretsReadableBy(roleOf(fn)) }).toEqual({ name, readable: usedSecrets });
      const actions = roleStatements(service, roleOf(fn)).flatMap((statement) => [statement.Action].flat());
      expect(actions.every((action) => action.startsWith('logs:') || action === 'secretsmanager:GetSecretValue')).toBe(true);
    }
    expect(secretsReadableBy('TencentApiRole')).toEqual([EXAMPLE_SECRET_ARNS.tencent]);
    expect(secretsReadableBy('VolcApiRole')).toEqual([EXAMPLE_SECRET_ARNS.volc]);
    expect(secretsReadableBy('FallbackRole')).toEqual([]);
  });

  test('no secret value is in the template or the function environments', () => {
    const secretValues = [DEFAULT_CREDENTIALS.tencent.secretKey, DEFAULT_CREDENTIALS.volc.secretAccessKey];
    for (const value of secretValues) expect(service.templateText).not.toContain(value);
    for (const [, fn] of functions()) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((envName) => /KEY|PASSWORD|TOKEN|USERSIG|SECRET(?!_ID)/i.test(envName))).toEqual([]);
    }
  });

  test('bundles carry no local demo secret', () => {
    for (const zip of ['groupOnlineCount', 'groupMembers', 'groupAdmins', 'roomOnlineUsers', 'notFound']) {
      const text = execFileSync('unzip', ['-p', path.join(service.dir, `${zip}.zip`)], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
      expect(text.length).toBeGreaterThan(1000);
      expect(text).not.toContain(DEFAULT_CREDENTIALS.tencent.secretKey);
      expect(text).not.toContain(DEFAULT_CREDENTIALS.volc.secretAccessKey);
    }
  });
});
