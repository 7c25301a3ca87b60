// Every route of the API. serverless.yml declares the same routes for API Gateway; a test
// keeps the two in step. The catch-all function uses this table to tell 404 from 405.
export const ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  // The dashboard: the page, then its files (lib/dashboard/site.ts).
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/dashboard/{file}' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-count' },
  { method: 'GET', path: '/v1/groups/{groupId}/members' },
  { method: 'GET', path: '/v1/groups/{groupId}/admins' },
  { method: 'POST', path: '/v1/groups/{groupId}/admins' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-members' },
  { method: 'GET', path: '/v1/rooms/{roomId}/online-users' },
  { method: 'GET', path: '/v1/groups/{groupId}/online-count/history' },
  { method: 'GET', path: '/v1/rooms/{roomId}/online-users/history' },
  { method: 'PUT', path: '/v1/groups/{groupId}/tracking' },
  { method: 'DELETE', path: '/v1/groups/{groupId}/tracking' },
  { method: 'PUT', path: '/v1/rooms/{roomId}/tracking' },
  { method: 'DELETE', path: '/v1/rooms/{roomId}/tracking' },
  { method: 'GET', path: '/v1/tracking' },
  { method: 'POST', path: '/v1/callbacks/tencent' },
  { method: 'POST', path: '/v1/callbacks/volcengine' },
];

const matches = (template: string, rawPath: string): boolean => {
  const expected = template.split('/').filter(Boolean);
  const actual = rawPath.split('/').filter(Boolean);
  return expected.length === actual.length && expected.every((segment, i) => segment.startsWith('{') || segment === actual[i]);
};

/** The methods allowed on a path, empty when no route has that path. */
export const allowedMethods = (rawPath: string): string[] => ROUTES.filter((route) => matches(route.path, rawPath)).map((route) => route.method);
