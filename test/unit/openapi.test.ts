import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import yaml from 'js-yaml';
import { ConfigError } from '#lib/config/env.ts';
import { DEFAULT_JWT_SCOPES, readJwtScopes } from '#lib/config/jwt-scopes.ts';
import { ERROR_STATUS } from '#lib/http/api-error.ts';
import { HISTORY_LIMIT, HISTORY_QUERY } from '#lib/http/history-query.ts';
import { MEMBERS_LIMIT, MEMBERS_QUERY, ONLINE_MEMBERS_QUERY, ROOM_QUERY, TRACKING_LIST_QUERY } from '#lib/http/inputs.ts';
import { ROUTES } from '#lib/http/routes.ts';
import { buildOpenApiDocument } from '#lib/openapi/document.ts';
import { OPERATIONS } from '#lib/openapi/operations.ts';
import { AnswerMismatch, createAnswerValidator, matchPathTemplate, type ReceivedAnswer } from '#test/support/openapi-validator.ts';

// The OpenAPI description: a valid 3.1 document, of exactly the deployed routes, stating the
// handlers' own limits; and the validator the contract tests hold every answer to.

const { read: READ_SCOPE, admin: ADMIN_SCOPE } = DEFAULT_JWT_SCOPES;
const document = buildOpenApiDocument(DEFAULT_JWT_SCOPES) as Record<string, any>;
const describedRoutes = (doc: Record<string, any>) =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

/** The httpApi routes serverless.yml declares, but the catch-all. */
const serverlessRoutes = (): string[] => {
  const service = yaml.load(readFileSync('serverless.yml', 'utf8')) as { functions: Record<string, { events?: unknown }> };
  return Object.values(service.functions)
    .flatMap((fn) => (Array.isArray(fn.events) ? fn.events : []))
    .map((event: { httpApi?: { method: string; path: string } }) => event.httpApi)
    .filter((route): route is { method: string; path: string } => route !== undefined && route.path !== '*')
    .map((route) => `${route.method.toUpperCase()} ${route.path}`)
    .sort();
};

describe('the OpenAPI description', () => {
  test('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI' });
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  test('the validity check catches a broken document', async () => {
    const broken = structuredClone(document);
    broken.paths['/v1/tracking'].get.parameters[0].in = 'body';
    expect((await validate(broken as never)).valid).toBe(false);
  });

  test('describes exactly the routes of serverless.yml and lib/http/routes.ts', () => {
    const routes = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(describedRoutes(document)).toEqual(routes);
    expect(serverlessRoutes()).toEqual(routes);
  });

  test('states the query parameters the handlers accept, and their limits', () => {
    const queryOf = (operationId: string) => {
      const operation = OPERATIONS.find((candidate) => candidate.operationId === operationId);
      return (operation?.parameters ?? []).filter((parameter) => parameter.in === 'query');
    };
    const names = (operationId: string) =>
      queryOf(operationId)
        .map((parameter) => parameter.name)
        .sort();
    expect(names('listGroupMembers')).toEqual([...MEMBERS_QUERY].sort());
    expect(names('listGroupOnlineMembers')).toEqual([...ONLINE_MEMBERS_QUERY].sort());
    expect(names('getRoomOnlineUsers')).toEqual([...ROOM_QUERY].sort());
    expect(names('getGroupOnlineCountHistory')).toEqual([...HISTORY_QUERY].sort());
    expect(names('getRoomOnlineUsersHistory')).toEqual([...HISTORY_QUERY, ...ROOM_QUERY].sort());
    expect(names('listTracking')).toEqual([...TRACKING_LIST_QUERY].sort());
    for (const operationId of ['getGroupOnlineCount', 'listGroupAdmins', 'changeGroupAdmins', 'trackGroup', 'untrackGroup']) {
      expect({ operationId, query: names(operationId) }).toEqual({ operationId, query: [] });
    }
    expect(queryOf('listGroupMembers').find((parameter) => parameter.name === 'limit')?.schema).toMatchObject({
      minimum: MEMBERS_LIMIT.min,
      maximum: MEMBERS_LIMIT.max,
      default: MEMBERS_LIMIT.fallback,
    });
    expect(queryOf('getGroupOnlineCountHistory').find((parameter) => parameter.name === 'limit')?.schema).toMatchObject({ maximum: HISTORY_LIMIT.max });
    expect(document.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_STATUS));
  });

  test('reads need the read or the admin scope, writes the admin scope, callbacks no AWS authorization', () => {
    const security = (method: string, path: string) => document.paths[path][method].security;
    expect(security('get', '/v1/tracking')).toEqual([{ sigv4: [] }, { jwt: [READ_SCOPE] }, { jwt: [ADMIN_SCOPE] }]);
    expect(security('get', '/openapi.json')).toEqual([{ sigv4: [] }, { jwt: [READ_SCOPE] }, { jwt: [ADMIN_SCOPE] }]);
    for (const [method, path] of [
      ['post', '/v1/groups/{groupId}/admins'],
      ['put', '/v1/groups/{groupId}/tracking'],
      ['delete', '/v1/groups/{groupId}/tracking'],
      ['put', '/v1/rooms/{roomId}/tracking'],
      ['delete', '/v1/rooms/{roomId}/tracking'],
    ] as const) {
      expect(security(method, path)).toEqual([{ sigv4: [] }, { jwt: [ADMIN_SCOPE] }]);
    }
    expect(security('post', '/v1/callbacks/tencent')).toEqual([]);
    expect(security('post', '/v1/callbacks/volcengine')).toEqual([]);
  });

  test('names the scopes serverless.yml requires by default', () => {
    const { params } = yaml.load(readFileSync('serverless.yml', 'utf8')) as { params: { default: Record<string, string> } };
    expect({ read: READ_SCOPE, admin: ADMIN_SCOPE }).toEqual({ read: params.default.jwtReadScope, admin: params.default.jwtAdminScope });
    expect(readJwtScopes({})).toEqual(DEFAULT_JWT_SCOPES);
  });

  test('a deployment with its own scopes (JWT_READ_SCOPE, JWT_ADMIN_SCOPE) is described with them, and only them', () => {
    const custom = buildOpenApiDocument(readJwtScopes({ JWT_READ_SCOPE: 'api://live/read', JWT_ADMIN_SCOPE: 'api://live/admin' })) as Record<string, any>;
    expect(custom.paths['/v1/tracking'].get.security).toEqual([{ sigv4: [] }, { jwt: ['api://live/read'] }, { jwt: ['api://live/admin'] }]);
    expect(custom.paths['/v1/groups/{groupId}/admins'].post.security).toEqual([{ sigv4: [] }, { jwt: ['api://live/admin'] }]);
    expect(custom.security).toEqual([{ sigv4: [] }, { jwt: ['api://live/read'] }, { jwt: ['api://live/admin'] }]);
    expect(custom.info.description).toContain('`api://live/read` or `api://live/admin`');
    expect(custom.components.securitySchemes.jwt.description).toContain('api://live/admin');
    expect(JSON.stringify(custom)).not.toMatch(/livegate\/(read|admin)/);
  });

  test.each(['two scopes', 'quoted"scope'])('a scope that is not one OAuth scope token (%s) is a configuration error', (value) => {
    expect(() => readJwtScopes({ JWT_ADMIN_SCOPE: value })).toThrow(ConfigError);
    expect(() => readJwtScopes({ JWT_ADMIN_SCOPE: value })).toThrow('JWT_ADMIN_SCOPE');
  });
});

test("the README's typed client is docs/examples/typed-client.ts, which the contract tests type-check and run", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Typed client'));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const example = readFileSync('docs/examples/typed-client.ts', 'utf8').replace(/^(\/\/.*\n)+/, '');
  expect(shown).toBe(example);
});

describe('the answer validator', () => {
  const check = createAnswerValidator();
  const json = (body: unknown, extra: Record<string, string> = {}) => ({
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1', ...extra }),
    text: JSON.stringify(body),
  });
  const count = { groupId: '@TGS#a6I4ZUUGO', onlineCount: 1000, fetchedAt: '2026-11-21T10:00:00.000Z' };
  const answer = (overrides: Partial<ReceivedAnswer>): ReceivedAnswer => ({
    method: 'GET',
    pathAndQuery: '/v1/groups/%40TGS%23a6I4ZUUGO/online-count',
    status: 200,
    ...json(count),
    ...overrides,
  });
  const notFound = { error: { code: 'NOT_FOUND', message: 'No such route.', requestId: 'r-1' } };

  test('compiles every schema of the description in strict mode', () => {
    expect(createAnswerValidator().compileEverySchema()).toBeGreaterThan(100);
  });

  test('accepts an answer as described', () => {
    expect(() => check(answer({}))).not.toThrow();
    expect(() => check(answer({ pathAndQuery: '/nowhere', status: 404, ...json(notFound) }))).not.toThrow();
  });

  test('judges the path a client sends: dot segments resolved, as fetch resolves them', () => {
    // A group ID of `.` or `..` never reaches the online-count route: the catch-all answers what arrives.
    for (const pathAndQuery of ['/v1/groups/./online-count', '/v1/groups/../online-count', '/v1/groups/%2E/online-count?x=1', '//v1/groups/./online-count'])
      expect(() => check(answer({ pathAndQuery, status: 404, ...json(notFound) }))).not.toThrow();
    expect(() => check(answer({ pathAndQuery: '/v1/groups/%40TGS%23a6I4ZUUGO/./online-count' }))).not.toThrow();
  });

  test.each([
    ['a field of another type', answer(json({ ...count, onlineCount: '1000' }))],
    ['an undescribed field', answer(json({ ...count, cached: true }))],
    ['a missing field', answer(json({ groupId: count.groupId, onlineCount: 1 }))],
    ['a timestamp in another format', answer(json({ ...count, fetchedAt: '2026-11-21 10:00' }))],
    ['no x-request-id', answer({ headers: new Headers({ 'content-type': 'application/json' }) })],
    ['another content type', answer({ headers: new Headers({ 'content-type': 'text/plain', 'x-request-id': 'r' }) })],
    ['a status the route does not answer', answer({ status: 409, ...json({ error: { code: 'ADMIN_LIMIT_EXCEEDED', message: 'm', requestId: 'r' } }) })],
    ['an error code the status does not carry', answer({ status: 404, ...json(notFound) })],
    ['a described route answering 404 NOT_FOUND as if it were unknown', answer({ pathAndQuery: '/v1/tracking', status: 404, ...json(notFound) })],
    ['an unknown path answering 200', answer({ pathAndQuery: '/v1/nowhere' })],
    ['a known path with another method answering 404', answer({ method: 'PATCH', status: 404, ...json(notFound) })],
    ['a 405 without allow', answer({ method: 'PATCH', status: 405, ...json({ error: { code: 'METHOD_NOT_ALLOWED', message: 'm', requestId: 'r' } }) })],
    ['a 429 without retry-after', answer({ status: 429, ...json({ error: { code: 'UPSTREAM_RATE_LIMITED', message: 'm', requestId: 'r' } }) })],
  ])('refuses %s', (_what, received) => {
    expect(() => check(received)).toThrow(AnswerMismatch);
  });

  test('matches a path to its template, literal segments first, never an empty parameter', () => {
    const templates = Object.keys(document.paths);
    expect(matchPathTemplate(templates, '/v1/groups/x/online-count/history')).toBe('/v1/groups/{groupId}/online-count/history');
    expect(matchPathTemplate(templates, '/v1/groups//online-count')).toBeUndefined();
    expect(matchPathTemplate(templates, '/dashboard/')).toBeUndefined();
    expect(matchPathTemplate(templates, '/')).toBe('/');
  });
});
