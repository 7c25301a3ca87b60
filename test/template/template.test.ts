import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DASHBOARD_FILES } from '#lib/dashboard/site.ts';
import { ROUTES } from '#lib/http/routes.ts';
import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';
import { EXAMPLE_SECRET_ARNS, type PackagedService, packageService, resourcesOfType, roleStatements } from '#support/package-service.ts';

// What gets deployed, read from the CloudFormation template that `serverless package` writes.

let service: PackagedService;
let jwtAndShards: PackagedService;
beforeAll(() => {
  service = packageService();
  jwtAndShards = packageService({ params: ['authMode=jwt', 'jwtIssuerUrl=https://auth.example.com/', 'jwtAudience=livegate-api', 'snapshotShards=3'] });
});

const demoCallbackSecrets = (): string[] => [DEMO_CREDENTIALS.tencent.callbackToken, DEMO_CREDENTIALS.volc.callbackSecret];

const functions = () => resourcesOfType(service, 'AWS::Lambda::Function');
/** The zip `serverless package` writes for a function resource (`GroupOnlineCountLambdaFunction` → `groupOnlineCount`). */
const zipOf = (resourceName: string): string => `${resourceName[0]?.toLowerCase()}${resourceName.slice(1).replace(/LambdaFunction$/, '')}`;
/** Everything a function's zip holds, as text: its bundle. */
const bundleText = (zip: string): string =>
  execFileSync('unzip', ['-p', path.join(service.dir, `${zip}.zip`)], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
const roleOf = (fn: { Properties: any }): string => fn.Properties.Role['Fn::GetAtt'][0];
const secretsReadableBy = (roleName: string): unknown[] =>
  roleStatements(service, roleName)
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')))
    .map((statement) => statement.Resource);

// The provider callbacks cannot sign with AWS credentials: their own signatures authenticate them.
const CALLBACK_ROUTES = ['POST /v1/callbacks/tencent', 'POST /v1/callbacks/volcengine'];
const authorizationByRoute = (packaged: PackagedService) =>
  Object.fromEntries(
    resourcesOfType(packaged, 'AWS::ApiGatewayV2::Route').map(([, route]) => [route.Properties.RouteKey, route.Properties.AuthorizationType ?? 'NONE']),
  );

describe('packaged CloudFormation template', () => {
  test('every route but the provider callbacks, including the catch-all, requires IAM authorization by default', () => {
    const authorization = authorizationByRoute(service);
    expect(Object.keys(authorization).sort()).toEqual([...ROUTES.map((route) => `${route.method} ${route.path}`), '$default'].sort());
    for (const [route, type] of Object.entries(authorization))
      expect({ route, type }).toEqual({ route, type: CALLBACK_ROUTES.includes(route) ? 'NONE' : 'AWS_IAM' });
  });

  test('with authMode=jwt every route uses the JWT authorizer of the given issuer and audience', () => {
    const jwt = jwtAndShards;
    const authorizers = resourcesOfType(jwt, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['livegate-api'] },
    });
    const authorization = authorizationByRoute(jwt);
    expect(Object.keys(authorization).length).toBe(ROUTES.length + 1);
    for (const [route, type] of Object.entries(authorization))
      expect({ route, type }).toEqual({ route, type: CALLBACK_ROUTES.includes(route) ? 'NONE' : 'JWT' });
  });

  test('every function runs on nodejs22.x', () => {
    expect(functions().length).toBe(19);
    for (const [, fn] of functions()) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  test('every function publishes its metrics in the namespace of metricsNamespace, Livegate/<stage> by default', () => {
    for (const [name, fn] of functions())
      expect({ name, namespace: fn.Properties.Environment?.Variables?.METRICS_NAMESPACE }).toEqual({ name, namespace: 'Livegate/test' });
  });

  test('each function can read only the secrets it uses', () => {
    for (const [name, fn] of functions()) {
      const env = fn.Properties.Environment?.Variables ?? {};
      const usedSecrets = [env.TENCENT_SECRET_ID, env.VOLC_SECRET_ID].filter(Boolean);
      expect({ name, readable: secretsReadableBy(roleOf(fn)).flat() }).toEqual({ name, readable: usedSecrets });
    }
    expect(secretsReadableBy('TencentApiRole')).toEqual([EXAMPLE_SECRET_ARNS.tencent]);
    expect(secretsReadableBy('VolcApiRole')).toEqual([EXAMPLE_SECRET_ARNS.volc]);
    expect(secretsReadableBy('SnapshotRole').flat()).toEqual([EXAMPLE_SECRET_ARNS.tencent, EXAMPLE_SECRET_ARNS.volc]);
    expect(secretsReadableBy('HistoryReadRole')).toEqual([]);
    expect(secretsReadableBy('FallbackRole')).toEqual([]);
  });

  test('table access: each function reaches only the tables it needs, with only the actions it uses', () => {
    const tableActions = (roleName: string) =>
      roleStatements(service, roleName)
        .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')))
        .map((statement) => ({ actions: [statement.Action].flat().sort(), resource: statement.Resource }));
    const table = { 'Fn::GetAtt': ['SnapshotTable', 'Arn'] };
    const registry = { 'Fn::GetAtt': ['TrackingTable', 'Arn'] };
    // Query: the snapshot function reads the ticks and rollups each rollup is computed from (and the last pushed count).
    expect(tableActions('SnapshotRole')).toEqual([
      { actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query'], resource: table },
      { actions: ['dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], resource: registry },
    ]);
    // The history functions only ever read: ticks and rollups alike.
    expect(tableActions('HistoryReadRole')).toEqual([{ actions: ['dynamodb:Query'], resource: table }]);
    expect(tableActions('TrackingListRole')).toEqual([{ actions: ['dynamodb:Query'], resource: [registry, table] }]);
    for (const role of ['GroupTrackingRole', 'TrackingWriteRole']) {
      expect(tableActions(role)).toEqual([{ actions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], resource: registry }]);
    }
    for (const role of ['TencentCallbackRole', 'VolcCallbackRole']) {
      expect(tableActions(role)).toEqual([{ actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resource: registry }]);
    }
    for (const role of ['TencentApiRole', 'VolcApiRole', 'FallbackRole']) expect(tableActions(role)).toEqual([]);
    for (const [name, fn] of functions()) {
      const role = roleOf(fn);
      const allowed = (action: string) => action.startsWith('logs:') || action === 'secretsmanager:GetSecretValue' || action.startsWith('dynamodb:');
      expect({
        name,
        role,
        all: roleStatements(service, role)
          .flatMap((s) => [s.Action].flat())
          .every(allowed),
      }).toEqual({ name, role, all: true });
    }
    const roleByFunction = Object.fromEntries(functions().map(([name, fn]) => [name, roleOf(fn)]));
    expect(roleByFunction).toMatchObject({
      GroupOnlineCountLambdaFunction: 'TencentApiRole',
      GroupMembersLambdaFunction: 'TencentApiRole',
      GroupAdminsLambdaFunction: 'TencentApiRole',
      GroupAdminListLambdaFunction: 'TencentApiRole',
      GroupOnlineMembersLambdaFunction: 'TencentApiRole',
      RoomOnlineUsersLambdaFunction: 'VolcApiRole',
      NotFoundLambdaFunction: 'FallbackRole',
      DashboardLambdaFunction: 'FallbackRole',
      SnapshotLambdaFunction: 'SnapshotRole',
      GroupOnlineCountHistoryLambdaFunction: 'HistoryReadRole',
      RoomOnlineUsersHistoryLambdaFunction: 'HistoryReadRole',
      GroupTrackingPutLambdaFunction: 'GroupTrackingRole',
      GroupTrackingDeleteLambdaFunction: 'TrackingWriteRole',
      RoomTrackingPutLambdaFunction: 'TrackingWriteRole',
      RoomTrackingDeleteLambdaFunction: 'TrackingWriteRole',
      TrackingListLambdaFunction: 'TrackingListRole',
      TencentCallbackLambdaFunction: 'TencentCallbackRole',
      VolcCallbackLambdaFunction: 'VolcCallbackRole',
    });
    // Only the functions that need the registry name it.
    const withRegistry = functions()
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.TRACKING_TABLE)
      .map(([name]) => name)
      .sort();
    expect(withRegistry).toEqual([
      'GroupTrackingDeleteLambdaFunction',
      'GroupTrackingPutLambdaFunction',
      'RoomTrackingDeleteLambdaFunction',
      'RoomTrackingPutLambdaFunction',
      'SnapshotLambdaFunction',
      'TencentCallbackLambdaFunction',
      'TrackingListLambdaFunction',
      'VolcCallbackLambdaFunction',
    ]);
  });

  test('the tables: on demand, TTL, point-in-time recovery; snapshots keyed (pk, at), the registry (pk, sk)', () => {
    const tables = Object.fromEntries(resourcesOfType(service, 'AWS::DynamoDB::Table'));
    expect(Object.keys(tables).sort()).toEqual(['SnapshotTable', 'TrackingTable']);
    expect(tables.TrackingTable?.Properties).toMatchObject({
      TableName: 'livegate-test-tracking',
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(tables.SnapshotTable?.Properties).toMatchObject({
      TableName: 'livegate-test-snapshots',
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'at', KeyType: 'RANGE' },
      ],
    });
    const snapshot = service.template.Resources.SnapshotLambdaFunction?.Properties;
    expect(snapshot.Environment.Variables).toMatchObject({
      SNAPSHOT_TABLE: 'livegate-test-snapshots',
      SNAPSHOT_RETENTION_DAYS: '30',
      SNAPSHOT_ROLLUP_RETENTION_DAYS: '400',
      SNAPSHOT_INTERVAL_SECONDS: '10',
    });
    // The history functions bound a stepped range by the rollup retention.
    for (const fn of ['GroupOnlineCountHistoryLambdaFunction', 'RoomOnlineUsersHistoryLambdaFunction']) {
      expect(service.template.Resources[fn]?.Properties.Environment.Variables).toMatchObject({
        SNAPSHOT_TABLE: 'livegate-test-snapshots',
        SNAPSHOT_ROLLUP_RETENTION_DAYS: '400',
      });
    }
  });

  test('one schedule a shard, every minute, each naming its shard', () => {
    const schedules = (packaged: PackagedService) =>
      resourcesOfType(packaged, 'AWS::Events::Rule').map(([, rule]) => ({
        expression: rule.Properties.ScheduleExpression,
        state: rule.Properties.State,
        input: JSON.parse(rule.Properties.Targets[0].Input),
      }));
    expect(schedules(service)).toEqual([{ expression: 'cron(* * * * ? *)', state: 'ENABLED', input: { shard: 0, shards: 1 } }]);
    expect(schedules(jwtAndShards).map((rule) => rule.input)).toEqual([
      { shard: 0, shards: 3 },
      { shard: 1, shards: 3 },
      { shard: 2, shards: 3 },
    ]);
    // A failed run is not retried into another minute beside that minute's own run.
    expect(resourcesOfType(service, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties)).toEqual([
      expect.objectContaining({ FunctionName: { Ref: 'SnapshotLambdaFunction' }, MaximumRetryAttempts: 0 }),
    ]);
  });

  test('no secret value is in the template or the function environments', () => {
    const secretValues = [DEMO_CREDENTIALS.tencent.secretKey, DEMO_CREDENTIALS.volc.secretAccessKey, ...demoCallbackSecrets()];
    for (const value of secretValues) expect(service.templateText).not.toContain(value);
    for (const [, fn] of functions()) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((envName) => /KEY|PASSWORD|TOKEN|USERSIG|SECRET(?!_ID)/i.test(envName))).toEqual([]);
    }
  });

  test('the dashboard function carries the page and uPlot inside its bundle, and no other file', () => {
    const listing = execFileSync('unzip', ['-Z1', path.join(service.dir, 'dashboard.zip')])
      .toString('utf8')
      .trim()
      .split('\n');
    expect(listing.filter((file) => !file.endsWith('/'))).toEqual(['handlers/dashboard.mjs']);
    const bundle = bundleText('dashboard');
    for (const file of Object.values(DASHBOARD_FILES)) {
      // Inlined as a string literal: a distinctive line of each file is in the bundle, escaped as esbuild writes it.
      const line = readFileSync(file.source, 'utf8')
        .split('\n')
        .find((text) => text.length > 40) as string;
      expect({ file: file.source, inside: bundle.includes(line) || bundle.includes(JSON.stringify(line).slice(1, -1)) }).toEqual({
        file: file.source,
        inside: true,
      });
    }
  });

  test('only the functions that use a table carry the AWS SDK (its DynamoDB client): secrets are read without it', () => {
    for (const [name, fn] of functions()) {
      const zip = zipOf(name);
      const text = bundleText(zip);
      const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
      const usesTable = variables.includes('SNAPSHOT_TABLE') || variables.includes('TRACKING_TABLE');
      // The SDK's user agent names it in every client it builds.
      expect({ zip, sdk: text.includes('aws-sdk-js') }).toEqual({ zip, sdk: usesTable });
    }
  });

  test('only the functions that sign a Tencent UserSig carry tls-sig-api-v2 (which loads node:zlib at init)', () => {
    // What the package's signer writes into every UserSig: no other code in a bundle spells it.
    const carriers = functions()
      .map(([name]) => zipOf(name))
      .filter((zip) => bundleText(zip).includes('TLS.sig'));
    // The Tencent REST API callers; the Tencent callback reads its token from the Tencent secret but calls nothing.
    expect(carriers.sort()).toEqual([
      'groupAdminList',
      'groupAdmins',
      'groupMembers',
      'groupOnlineCount',
      'groupOnlineMembers',
      'groupTrackingPut',
      'snapshot',
    ]);
  });

  test('no bundle takes node:crypto, node:timers or node:http with a static ES import (it would load their lazy exports)', () => {
    const { WITHOUT_LAZY_EXPORTS } = createRequire(import.meta.url)('../../deploy/esbuild-plugins.cjs') as { WITHOUT_LAZY_EXPORTS: string[] };
    const modules = WITHOUT_LAZY_EXPORTS.join('|');
    const staticImport = new RegExp(`(?:^|[;}\\s])(?:import|export)\\s*(?:[^'";()]*?\\bfrom\\s*)?["'](?:node:)?(?:${modules})["']`, 'g');
    // Every shape a minified static import or re-export of these modules can take is found; a
    // require() or import(), an import of another module, or a mere string is not.
    const found = (code: string) => new RegExp(staticImport.source).test(code);
    for (const code of [
      'import{createHash as t}from"node:crypto";',
      ';import e,{createHash as t}from"node:crypto";',
      '}import*as t from"crypto";',
      'import t from"node:http";',
      'import"node:timers";',
      'export*from"node:crypto";',
      'export{setTimeout}from"timers";',
    ])
      expect({ code, found: found(code) }).toEqual({ code, found: true });
    for (const code of ['var t=require("node:crypto");', 'await import("node:http");', 'import{createRequire as r}from"node:module";', 'var t="node:crypto";'])
      expect({ code, found: found(code) }).toEqual({ code, found: false });

    const offending = functions().flatMap(([name]) => {
      const zip = zipOf(name);
      return [...bundleText(zip).matchAll(staticImport)].map((match) => `${zip}: ${match[0].trim()}`);
    });
    expect(offending).toEqual([]);
  });

  test('bundles carry no local demo secret', () => {
    const zips = functions().map(([name]) => zipOf(name));
    expect(zips).toHaveLength(19);
    for (const zip of zips) {
      const text = bundleText(zip);
      expect(text.length).toBeGreaterThan(1000);
      for (const secret of [DEMO_CREDENTIALS.tencent.secretKey, DEMO_CREDENTIALS.volc.secretAccessKey, ...demoCallbackSecrets()])
        expect(text).not.toContain(secret);
    }
  });
});
