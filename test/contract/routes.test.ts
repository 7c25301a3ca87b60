import { readFileSync } from 'node:fs';
import { DASHBOARD_FILES } from '#lib/dashboard/site.ts';
import { callApi, expectContractError, groupPath } from '#test/support/http.ts';

describe('routes', () => {
  test.each([
    '/v1',
    '/v1/groups',
    '/v2/groups/x/online-count',
    '/v1/groups/x/online-count/extra',
    '/v1/groups/x/online-members/extra',
    '/v1/groups/x/admin',
    '/v1/rooms/x',
    '/index.html',
    '/dashboard',
    '/dashboard/',
    '/dashboard/index.html',
    '/dashboard/uPlot.esm.js',
    '/dashboard/app.js/extra',
    '/prod/dashboard/app.js',
    // Names that are not the dashboard's files, however they are spelled.
    '/dashboard/constructor',
    '/dashboard/__proto__',
    '/dashboard/hasOwnProperty',
    '/dashboard/APP.JS',
    '/dashboard/app.js%00',
    '/dashboard/..%2Fpackage.json',
    '/dashboard/%2E%2E%2Fserverless.yml',
    '/dashboard/uPlot.d.ts',
  ])('404 NOT_FOUND for %s', async (path) => {
    expectContractError(await callApi(path), 404, 'NOT_FOUND');
  });

  test.each([
    ['POST', groupPath('@TGS#aX', 'online-count'), 'GET'],
    ['DELETE', groupPath('@TGS#aX', 'members'), 'GET'],
    ['DELETE', groupPath('@TGS#aX', 'admins'), 'GET, POST'],
    ['POST', groupPath('@TGS#aX', 'online-members'), 'GET'],
    ['PUT', '/v1/rooms/room1/online-users', 'GET'],
    ['POST', '/', 'GET'],
    ['DELETE', '/dashboard/app.js', 'GET'],
  ])('405 METHOD_NOT_ALLOWED for %s %s, naming the allowed method', async (method, path, allowed) => {
    const answer = await callApi(path, { method });
    expectContractError(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer.headers.get('allow')).toBe(allowed);
  });

  // The dashboard (README "Dashboard"): the page and its files, byte for byte, the only answers that are not JSON.
  test.each([
    ['/', 'index.html'],
    ['/dashboard/app.js', 'app.js'],
    ['/dashboard/app.css', 'app.css'],
    ['/dashboard/uPlot.iife.min.js', 'uPlot.iife.min.js'],
    ['/dashboard/uPlot.min.css', 'uPlot.min.css'],
  ] as const)('GET %s serves the dashboard file %s', async (path, name) => {
    const answer = await callApi(path);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(DASHBOARD_FILES[name].contentType);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(answer.text).toBe(readFileSync(DASHBOARD_FILES[name].source, 'utf8'));
  });
});
