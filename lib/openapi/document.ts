import type { JwtScopes } from '#lib/config/jwt-scopes.ts';
import { ERROR_STATUS, type ErrorCode } from '#lib/http/api-error.ts';
import { SAFE_REQUEST_ID_PATTERN } from '#lib/http/request-id.ts';
import { ROUTES, type RouteAccess } from '#lib/http/routes.ts';
import { BODY_LIMIT_NOTE, OPERATIONS, type Operation } from './operations.ts';
import { ref, SCHEMAS, type Schema } from './schemas.ts';

// The OpenAPI 3.1 document of the API, built from OPERATIONS and SCHEMAS (which take their
// limits from the handlers' own modules). Served by GET /openapi.json; the contract tests
// validate every answer they receive against it (test/support/openapi-validator.ts).

/**
 * Answers to requests that match no described operation. They come from the catch-all function
 * (API Gateway's $default route), not from a route: a path no route has is 404 NOT_FOUND, a
 * described path with another method 405 METHOD_NOT_ALLOWED naming the allowed ones in `allow`.
 */
export const UNMATCHED_ROUTE_EXTENSION = 'x-livegate-unmatched-route';

type Security = Record<RouteAccess, Array<Record<string, string[]>>>;

const securityOf = (scopes: JwtScopes): Security => ({
  read: [{ sigv4: [] }, { jwt: [scopes.read] }, { jwt: [scopes.admin] }],
  admin: [{ sigv4: [] }, { jwt: [scopes.admin] }],
  callback: [],
});

/** Who may call an operation is the route table's to say (lib/http/routes.ts), not the description's. */
const accessOf = (operation: Operation): RouteAccess => {
  const route = ROUTES.find(({ method, path }) => method === operation.method && path === operation.path);
  if (!route) throw new Error(`${operation.method} ${operation.path} is described but is no route of lib/http/routes.ts`);
  return route.access;
};

const requestIdHeader = { $ref: '#/components/headers/RequestId' };

/** The error body, its code narrowed to those given. */
const errorSchema = (codes: readonly ErrorCode[]): Schema => ({
  allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } } } }],
});

const HEADERS_BY_STATUS: Record<number, Record<string, unknown>> = {
  405: { allow: { $ref: '#/components/headers/Allow' } },
  429: { 'retry-after': { $ref: '#/components/headers/RetryAfter' } },
};

const errorResponse = (status: number, codes: readonly ErrorCode[]): Schema => ({
  description: codes.join(', '),
  headers: { 'x-request-id': requestIdHeader, ...HEADERS_BY_STATUS[status] },
  content: { 'application/json': { schema: errorSchema(codes) } },
});

const gatewayResponse = (what: string): Schema => ({
  description: `${what} (API Gateway's own answer, before livegate runs)`,
  content: { 'application/json': { schema: ref('GatewayMessage') } },
});

/** The error answers of an operation: its contract codes by status, and API Gateway's authorization refusals. */
const errorResponses = (operation: Operation): Record<string, Schema> => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...operation.errors, 'INTERNAL'])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Schema> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) responses[String(status)] = errorResponse(status, codes);
  if (accessOf(operation) !== 'callback') {
    responses['401'] = gatewayResponse('Not authenticated: no or a bad signature or token');
    const ownCodes = byStatus.get(403);
    responses['403'] = ownCodes
      ? {
          description: `${ownCodes.join(', ')}; or not authorized (API Gateway's own answer, before livegate runs)`,
          headers: { 'x-request-id': { description: "on livegate's answers, not on API Gateway's", schema: { type: 'string', minLength: 1 } } },
          content: { 'application/json': { schema: { oneOf: [errorSchema(ownCodes), ref('GatewayMessage')] } } },
        }
      : gatewayResponse('Not authorized: the IAM policy or the token scopes do not allow this route');
  }
  return responses;
};

const successResponse = (operation: Operation): Schema => {
  const { answer } = operation;
  const content = answer.content
    ? Object.fromEntries(Object.entries(answer.content).map(([type, schema]) => [type, { schema }]))
    : { 'application/json': { schema: answer.schema } };
  const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, schema]) => [name, { required: true, schema }]));
  return { description: answer.description, headers: { 'x-request-id': requestIdHeader, ...headers }, content };
};

const otherResponses = (operation: Operation): Record<string, Schema> =>
  Object.fromEntries(
    Object.entries(operation.otherAnswers ?? {}).map(([status, answer]) => [
      status,
      {
        description: answer.description,
        headers: {
          'x-request-id': requestIdHeader,
          ...Object.fromEntries(Object.entries((answer.headers as Record<string, Schema>) ?? {}).map(([name, schema]) => [name, { required: true, schema }])),
        },
      },
    ]),
  );

const toOperationObject = (operation: Operation, security: Security): Schema => ({
  operationId: operation.operationId,
  summary: operation.summary,
  ...(operation.description ? { description: operation.description } : {}),
  tags: [operation.tag],
  security: security[accessOf(operation)],
  parameters: [...(operation.parameters ?? []), { $ref: '#/components/parameters/RequestId' }],
  ...(operation.requestBody
    ? {
        requestBody: {
          required: operation.requestBody.required,
          ...(operation.requestBody.description ? { description: operation.requestBody.description } : {}),
          content: { 'application/json': { schema: operation.requestBody.schema } },
        },
      }
    : {}),
  responses: { '200': successResponse(operation), ...otherResponses(operation), ...errorResponses(operation) },
});

const paths = (security: Security): Record<string, Record<string, Schema>> => {
  const byPath: Record<string, Record<string, Schema>> = {};
  for (const operation of OPERATIONS) {
    byPath[operation.path] ??= {};
    (byPath[operation.path] as Record<string, Schema>)[operation.method.toLowerCase()] = toOperationObject(operation, security);
  }
  return byPath;
};

const describe = ({ read, admin }: JwtScopes): string => `One HTTP API over Tencent Cloud Chat live groups and Volcengine RTC rooms.

JSON in and out (\`application/json; charset=utf-8\`), camelCase fields; our timestamps are ISO-8601 UTC with
milliseconds, member fields copied from Tencent stay Unix seconds. Every answer carries \`x-request-id\`, and every
error is \`{ "error": { "code", "message", "requestId", "details"?, "upstream"? } }\`. ${BODY_LIMIT_NOTE}

**Authorization** (one of the two, chosen at deploy time by \`authMode\`): \`iam\` (default) signs requests with AWS
SigV4 (\`execute-api:Invoke\` on the route); \`jwt\` sends a bearer token whose scopes allow the route (reads:
\`${read}\` or \`${admin}\`; writes: \`${admin}\`). The provider callbacks have no AWS
authorization: their own signatures authenticate them. Locally (\`npm start\`) every route is open.

A request that matches no route is answered 404 NOT_FOUND, and a known path with another method 405
METHOD_NOT_ALLOWED with \`allow\` (see \`${UNMATCHED_ROUTE_EXTENSION}\`).`;

/** The document of a deployment, naming its JWT scopes (lib/config/jwt-scopes.ts); built once per process. */
export const buildOpenApiDocument = (scopes: JwtScopes): Schema => {
  const security = securityOf(scopes);
  return {
    openapi: '3.1.0',
    info: { title: 'livegate', version: '1', description: describe(scopes), license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'the API that serves this document' }],
    tags: [
      { name: 'groups', description: 'Tencent Cloud Chat groups' },
      { name: 'rooms', description: 'Volcengine RTC rooms' },
      { name: 'history', description: 'what the scheduled snapshots stored' },
      { name: 'tracking', description: 'which groups and rooms the snapshots follow' },
      { name: 'callbacks', description: 'provider callbacks, authenticated by their signatures' },
      { name: 'dashboard', description: 'the dashboard page and its files' },
      { name: 'meta', description: 'this description' },
    ],
    security: security.read,
    paths: paths(security),
    [UNMATCHED_ROUTE_EXTENSION]: {
      '404': { $ref: '#/components/responses/NoSuchRoute' },
      '405': { $ref: '#/components/responses/MethodNotAllowed' },
    },
    components: {
      schemas: SCHEMAS,
      responses: {
        NoSuchRoute: errorResponse(404, ['NOT_FOUND']),
        MethodNotAllowed: errorResponse(405, ['METHOD_NOT_ALLOWED']),
      },
      parameters: {
        RequestId: {
          name: 'x-request-id',
          in: 'header',
          description: 'echoed in the answer when valid; otherwise the answer carries the Lambda request ID',
          schema: { type: 'string', pattern: SAFE_REQUEST_ID_PATTERN },
        },
      },
      headers: {
        RequestId: { description: "the caller's x-request-id, or the Lambda request ID", required: true, schema: { type: 'string', minLength: 1 } },
        RetryAfter: { description: 'seconds to wait before trying again', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
        Allow: { description: 'the methods the path accepts', required: true, schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' } },
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'authMode=iam (default): AWS Signature Version 4 for execute-api; the caller needs execute-api:Invoke on the route.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `authMode=jwt: a token from the configured issuer and audience; its \`scope\` must allow the route (reads: ${scopes.read} or ${scopes.admin}; writes: ${scopes.admin}).`,
        },
      },
    },
  };
};
