import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { ROUTES, type RouteAccess } from '#lib/http/routes.ts';
import { EXAMPLE_SECRET_ARNS, type PackagedService, packageService, resourcesOfType, roleStatements } from '#support/package-service.ts';
import { allows, type PolicyDocument, resolveIntrinsics, resourcePatterns, wildcardMatches } from '#test/support/iam-policy.ts';

// Who may call what, read from the templates `serverless package` writes in both authorization modes,
// and from the README and SECURITY.md, which must say the same.

const SCOPES = { read: 'example/read', admin: 'example/admin' };

let iam: PackagedService;
let jwt: PackagedService;
beforeAll(() => {
  iam = packageService();
  jwt = packageService({ params: ['authMode=jwt', `jwtReadScope=${SCOPES.read}`, `jwtAdminScope=${SCOPES.admin}`] });
});

// The catch-all reads nothing, but it tells which routes exist: a read right is needed to ask.
const ACCESS_BY_ROUTE_KEY: Record<string, RouteAccess> = {
  ...Object.fromEntries(ROUTES.map((route) => [`${route.method} ${route.path}`, route.access])),
  $default: 'read',
};

// CloudFormation sections, checked field by field below.
type TemplateSection = Record<string, any>;
const section = (packaged: PackagedService, name: 'Conditions' | 'Outputs'): TemplateSection =>
  (packaged.template as unknown as Record<string, TemplateSection>)[name] ?? {};
const routesOf = (packaged: PackagedService): TemplateSection =>
  Object.fromEntries(resourcesOfType(packaged, 'AWS::ApiGatewayV2::Route').map(([, route]) => [route.Properties.RouteKey, route.Properties]));

// What CloudFormation would put in the policies' ARNs at deploy time.
const DEPLOYED = { partition: 'aws', region: 'us-east-1', account: '123456789012', apiId: 'a1b2c3d4e5' };
const API_ARN = `arn:${DEPLOYED.partition}:execute-api:${DEPLOYED.region}:${DEPLOYED.account}:${DEPLOYED.apiId}`;
// serverless deploys an HTTP API to its `$default` stage: request ARNs carry `$default`, paths have no stage prefix.
const STAGE = '$default';
// Path parameter values as callers send them: plain, percent-encoded (a Tencent group ID), and one with an encoded slash.
const PARAMETER_VALUES = ['g1', '%40TGS%23a6I4ZUUGO', 'a%2Fadmins'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** The ARN IAM checks for a request: the method, then the request's own path (parameters filled in). */
const requestArns = (method: string, routePath: string): string[] =>
  PARAMETER_VALUES.map((value) => `${API_ARN}/${STAGE}/${method}${routePath.replace(/\{[^}]+\}/g, value)}`);

const managedPolicy = (name: string): { Condition?: string; Properties: { PolicyDocument: PolicyDocument } } => {
  const resource = iam.template.Resources[name];
  if (resource?.Type !== 'AWS::IAM::ManagedPolicy') throw new Error(`no managed policy ${name}`);
  return resource as never;
};
const templatePolicy = (name: string): PolicyDocument =>
  resolveIntrinsics(managedPolicy(name).Properties.PolicyDocument, {
    'AWS::Partition': DEPLOYED.partition,
    'AWS::Region': DEPLOYED.region,
    'AWS::AccountId': DEPLOYED.account,
    HttpApi: DEPLOYED.apiId,
  }) as PolicyDocument;

/** The README's copy-paste JSON of a policy, with its placeholders filled in as a deployer would. */
const readmePolicy = (name: string): PolicyDocument => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Deploying'), readme.indexOf('\n## ', readme.indexOf('\n## Deploying') + 1));
  const blocks = [...section.matchAll(new RegExp(`\\(\`${name}\`[^\\n]*\\n\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``, 'g'))];
  const json = blocks[0]?.[1];
  if (blocks.length !== 1 || json === undefined) throw new Error(`README "Deploying" should hold the ${name} JSON once, found ${blocks.length}`);
  return JSON.parse(
    json
      .replaceAll('arn:aws:', `arn:${DEPLOYED.partition}:`)
      .replaceAll('<region>', DEPLOYED.region)
      .replaceAll('<account-id>', DEPLOYED.account)
      .replaceAll('<api-id>', DEPLOYED.apiId),
  );
};

describe('authorization of every route', () => {
  test('every route is classified read, admin or callback, and the templates hold exactly the classified routes', () => {
    for (const packaged of [iam, jwt]) expect(Object.keys(routesOf(packaged)).sort()).toEqual(Object.keys(ACCESS_BY_ROUTE_KEY).sort());
    // Reads never change anything: a route that does not GET is not a read.
    for (const route of ROUTES) if (route.access === 'read') expect({ route, method: route.method }).toEqual({ route, method: 'GET' });
    expect(ROUTES.filter((route) => route.access === 'admin').map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /v1/groups/{groupId}/admins',
      'PUT /v1/groups/{groupId}/tracking',
      'DELETE /v1/groups/{groupId}/tracking',
      'PUT /v1/rooms/{roomId}/tracking',
      'DELETE /v1/rooms/{roomId}/tracking',
    ]);
  });

  test('authMode=iam: SigV4 on every route but the provider callbacks, which have no AWS authorizer', () => {
    for (const [routeKey, route] of Object.entries(routesOf(iam))) {
      const callback = ACCESS_BY_ROUTE_KEY[routeKey] === 'callback';
      expect({ routeKey, type: route.AuthorizationType, authorizer: route.AuthorizerId, scopes: route.AuthorizationScopes }).toEqual({
        routeKey,
        type: callback ? undefined : 'AWS_IAM',
        authorizer: undefined,
        scopes: undefined,
      });
    }
  });

  test('authMode=jwt: the read scope or the admin scope on each read route, the admin scope alone on each write, none on callbacks', () => {
    const authorizers = resourcesOfType(jwt, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers.map(([name, authorizer]) => [name, authorizer.Properties.AuthorizerType])).toEqual([['HttpApiAuthorizerJwtAuthorizer', 'JWT']]);
    const expected = (access: RouteAccess | undefined) => {
      if (access === 'callback') return { type: undefined, authorizer: undefined, scopes: undefined };
      const scopes = access === 'admin' ? [SCOPES.admin] : [SCOPES.admin, SCOPES.read];
      return { type: 'JWT', authorizer: { Ref: 'HttpApiAuthorizerJwtAuthorizer' }, scopes };
    };
    for (const [routeKey, route] of Object.entries(routesOf(jwt))) {
      expect({ routeKey, type: route.AuthorizationType, authorizer: route.AuthorizerId, scopes: route.AuthorizationScopes?.slice().sort() }).toEqual({
        routeKey,
        ...expected(ACCESS_BY_ROUTE_KEY[routeKey]),
      });
    }
  });

  test('the OpenAPI function is given the scopes, so the description it serves names the ones API Gateway requires', () => {
    const scopesOf = (packaged: PackagedService) => {
      const variables = packaged.template.Resources.OpenapiLambdaFunction?.Properties.Environment?.Variables ?? {};
      return { read: variables.JWT_READ_SCOPE, admin: variables.JWT_ADMIN_SCOPE };
    };
    expect(scopesOf(jwt)).toEqual(SCOPES);
    expect(scopesOf(iam)).toEqual({ read: 'livegate/read', admin: 'livegate/admin' });
  });

  test('the scopes default to livegate/read and livegate/admin', () => {
    const config = loadYaml(readFileSync('serverless.yml', 'utf8')) as { params: { default: Record<string, unknown> } };
    expect(config.params.default).toMatchObject({ jwtReadScope: 'livegate/read', jwtAdminScope: 'livegate/admin' });
  });
});

describe('the caller policies (authMode=iam)', () => {
  test('the stack creates the read-only and admin policies, and gives their ARNs as outputs, only with authMode=iam', () => {
    const equalsIam = (packaged: PackagedService) => {
      const [left, right] = section(packaged, 'Conditions').IamAuthorization?.['Fn::Equals'] ?? [];
      return left === right;
    };
    expect([equalsIam(iam), equalsIam(jwt)]).toEqual([true, false]);
    const outputs = section(iam, 'Outputs');
    for (const [policy, output] of [
      ['ReadOnlyInvokePolicy', 'ReadOnlyInvokePolicyArn'],
      ['AdminInvokePolicy', 'AdminInvokePolicyArn'],
    ] as const) {
      expect(managedPolicy(policy).Condition).toBe('IamAuthorization');
      expect(jwt.template.Resources[policy]).toMatchObject({ Condition: 'IamAuthorization' });
      expect(outputs[output]).toMatchObject({ Condition: 'IamAuthorization', Value: { Ref: policy } });
    }
  });

  test("the README's JSON is the stack's policies, so the documentation cannot drift", () => {
    expect(readmePolicy('ReadOnlyInvokePolicy')).toEqual(templatePolicy('ReadOnlyInvokePolicy'));
    expect(readmePolicy('AdminInvokePolicy')).toEqual(templatePolicy('AdminInvokePolicy'));
  });

  const sources = [
    ['the stack', templatePolicy],
    ['the README', readmePolicy],
  ] as const;

  describe.each(sources)('as %s gives them', (_source, policyNamed) => {
    const invokable = (policy: PolicyDocument, method: string, routePath: string): boolean[] =>
      requestArns(method, routePath).map((arn) => allows(policy, 'execute-api:Invoke', arn));

    test('read-only: every read route, and no write route', () => {
      const readOnly = policyNamed('ReadOnlyInvokePolicy');
      for (const route of ROUTES.filter((candidate) => candidate.access !== 'callback')) {
        const allowed = route.access === 'read';
        expect({ route, allowed: invokable(readOnly, route.method, route.path) }).toEqual({ route, allowed: PARAMETER_VALUES.map(() => allowed) });
      }
      // Nothing but GET, on any route's path, through any wildcard.
      for (const route of ROUTES)
        for (const method of METHODS.filter((candidate) => candidate !== 'GET'))
          expect({ method, path: route.path, allowed: invokable(readOnly, method, route.path) }).toEqual({
            method,
            path: route.path,
            allowed: PARAMETER_VALUES.map(() => false),
          });
    });

    test('admin: every route but the provider callbacks (which need no IAM right)', () => {
      const admin = policyNamed('AdminInvokePolicy');
      for (const route of ROUTES.filter((candidate) => candidate.access !== 'callback'))
        expect({ route, allowed: invokable(admin, route.method, route.path) }).toEqual({ route, allowed: PARAMETER_VALUES.map(() => true) });
    });

    test('each line names one method of this API and stage, and is needed by a route its policy is for', () => {
      for (const [name, accesses] of [
        ['ReadOnlyInvokePolicy', ['read']],
        ['AdminInvokePolicy', ['read', 'admin']],
      ] as const) {
        const policy = policyNamed(name);
        for (const statement of policy.Statement) expect([statement.Action].flat()).toEqual(['execute-api:Invoke']);
        for (const pattern of resourcePatterns(policy)) {
          // No wildcard before the path: not in the API, the stage or the method.
          const method = pattern.startsWith(`${API_ARN}/${STAGE}/`) ? pattern.slice(`${API_ARN}/${STAGE}/`.length).split('/')[0] : undefined;
          expect({ name, pattern, method: METHODS.includes(method ?? '') }).toEqual({ name, pattern, method: true });
          const needed = ROUTES.filter((route) => (accesses as readonly RouteAccess[]).includes(route.access)).some((route) =>
            requestArns(route.method, route.path).some((arn) => wildcardMatches(pattern, arn)),
          );
          expect({ name, pattern, needed }).toEqual({ name, pattern, needed: true });
        }
      }
    });
  });
});

describe('SECURITY.md "Least-privilege roles, for each function"', () => {
  interface RoleRights {
    functions: string[];
    secrets: string[];
    snapshotTable: string[];
    trackingTable: string[];
  }
  const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string).sort();

  const documented = (): Record<string, RoleRights> => {
    const lines = readFileSync('SECURITY.md', 'utf8').split('\n');
    const header = lines.findIndex((line) => /^\| role\s+\| functions/.test(line));
    if (header < 0) throw new Error('SECURITY.md has no role table');
    const rest = lines.slice(header + 2);
    const rows = rest.slice(
      0,
      rest.findIndex((line) => !line.startsWith('|')),
    );
    return Object.fromEntries(
      rows.map((row) => {
        const [role = '', functions = '', secrets = '', snapshotTable = '', trackingTable = ''] = row.split('|').slice(1, -1);
        return [
          backticked(role)[0],
          {
            functions: backticked(functions),
            secrets: ['Tencent', 'Volcengine'].filter((provider) => secrets.includes(provider)),
            snapshotTable: backticked(snapshotTable).map((action) => `dynamodb:${action}`),
            trackingTable: backticked(trackingTable).map((action) => `dynamodb:${action}`),
          },
        ];
      }),
    );
  };

  const deployed = (): Record<string, RoleRights> => {
    const providerOf = (arn: unknown) =>
      arn === EXAMPLE_SECRET_ARNS.tencent ? 'Tencent' : arn === EXAMPLE_SECRET_ARNS.volc ? 'Volcengine' : `unknown ${JSON.stringify(arn)}`;
    const functionsByRole = new Map<string, string[]>();
    for (const [logicalId, fn] of resourcesOfType(iam, 'AWS::Lambda::Function')) {
      const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const name = logicalId.replace(/LambdaFunction$/, '');
      functionsByRole.set(role, [...(functionsByRole.get(role) ?? []), `${name[0]?.toLowerCase()}${name.slice(1)}`]);
    }
    return Object.fromEntries(
      resourcesOfType(iam, 'AWS::IAM::Role').map(([role]) => {
        const statements = roleStatements(iam, role);
        const actionsOn = (table: string) =>
          statements
            .filter((statement) =>
              [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] })),
            )
            .flatMap((statement) => [statement.Action].flat())
            .sort();
        const tables = ['SnapshotTable', 'TrackingTable'].map((table) => JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] }));
        for (const statement of statements)
          for (const action of [statement.Action].flat()) {
            expect({ role, action, known: /^(logs:|secretsmanager:GetSecretValue$|dynamodb:)/.test(action) }).toEqual({ role, action, known: true });
            // A table action reaches the tables themselves only (no index, no other table).
            if (action.startsWith('dynamodb:'))
              for (const resource of [statement.Resource].flat())
                expect({ role, action, resource, table: tables.includes(JSON.stringify(resource)) }).toEqual({ role, action, resource, table: true });
          }
        return [
          role,
          {
            functions: (functionsByRole.get(role) ?? []).sort(),
            secrets: statements
              .filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'))
              .flatMap((statement) => [statement.Resource].flat().map(providerOf))
              .sort(),
            snapshotTable: actionsOn('SnapshotTable'),
            trackingTable: actionsOn('TrackingTable'),
          },
        ];
      }),
    );
  };

  test('names every role of the template, with exactly its functions, secrets and table actions', () => {
    expect(documented()).toEqual(deployed());
  });
});
