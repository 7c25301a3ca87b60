// Every route of the API. serverless.yml declares the same routes for API Gateway; a test
// keeps the two in step. The catch-all function uses this table to tell 404 from 405.

/**
 * Who may call a route: `read` (reads only; the read scope or the admin scope, the read-only or the admin
 * IAM policy), `admin` (changes something: the admin scope or the admin IAM policy), `callback` (a provider,
 * authenticated by its own signature, no AWS authorizer). Required, so a new route cannot be added without
 * choosing; test/template/authorization.test.ts holds serverless.yml and the IAM policies to it.
 */
export type RouteAccess = 'read' | 'admin' | 'callback';

export const ROUTES: ReadonlyArray<{ method: string; path: string; access: RouteAccess }> = [
  // The dashboard: the page, then its files (lib/dashboard/site.ts).
  { method: 'GET', path: '/', access: 'read' },
  { method: 'GET', path: '/dashboard/{file}', access: 'read' },
  { method: 'GET', path: '/openapi.json', access: 'read' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-count', access: 'read' },
  { method: 'GET', path: '/v1/groups/{groupId}/members', access: 'read' },
  { method: 'GET', path: '/v1/groups/{groupId}/admins', access: 'read' },
  { method: 'POST', path: '/v1/groups/{groupId}/admins', access: 'admin' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-members', access: 'read' },
  { method: 'GET', path: '/v1/rooms/{roomId}/online-users', access: 'read' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-count/history', access: 'read' },
  { method: 'GET', path: '/v1/rooms/{roomId}/online-users/history', access: 'read' },
  { method: 'PUT', path: '/v1/groups/{groupId}/tracking', access: 'admin' },
  { method: 'DELETE', path: '/v1/groups/{groupId}/tracking', access: 'admin' },
  { method: 'PUT', path: '/v1/rooms/{roomId}/tracking', access: 'admin' },
  { method: 'DELETE', path: '/v1/rooms/{roomId}/tracking', access: 'admin' },
  { method: 'GET', path: '/v1/tracking', access: 'read' },
  { method: 'POST', path: '/v1/callbacks/tencent', access: 'callback' },
  { method: 'POST', path: '/v1/callbacks/volcengine', access: 'callback' },
];

const matches = (template: string, rawPath: string): boolean => {
  const expected = template.split('/').filter(Boolean);
  const actual = rawPath.split('/').filter(Boolean);
  return expected.length === actual.length && expected.every((segment, i) => segment.startsWith('{') || segment === actual[i]);
};

/** The methods allowed on a path, empty when no route has that path. */
export const allowedMethods = (rawPath: string): string[] => ROUTES.filter((route) => matches(route.path, rawPath)).map((route) => route.method);

/** The route a request was made on, as API Gateway names it (`GET /v1/tracking`); `$default` when none matches. */
export const routeOf = (method: string | undefined, rawPath: string | undefined): string => {
  const route = ROUTES.find((candidate) => candidate.method === method && matches(candidate.path, rawPath ?? ''));
  return route ? `${route.method} ${route.path}` : '$default';
};
