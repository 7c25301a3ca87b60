import { callApi, expectContractError, groupPath } from '#test/support/http.ts';

describe('routes', () => {
  test.each([
    '/',
    '/v1',
    '/v1/groups',
    '/v2/groups/x/online-count',
    '/v1/groups/x/online-count/extra',
    '/v1/groups/x/online-members/extra',
    '/v1/groups/x/admin',
    '/v1/rooms/x',
  ])('404 NOT_FOUND for %s', async (path) => {
    expectContractError(await callApi(path), 404, 'NOT_FOUND');
  });

  test.each([
    ['POST', groupPath('@TGS#aX', 'online-count'), 'GET'],
    ['DELETE', groupPath('@TGS#aX', 'members'), 'GET'],
    ['DELETE', groupPath('@TGS#aX', 'admins'), 'GET, POST'],
    ['POST', groupPath('@TGS#aX', 'online-members'), 'GET'],
    ['PUT', '/v1/rooms/room1/online-users', 'GET'],
  ])('405 METHOD_NOT_ALLOWED for %s %s, naming the allowed method', async (method, path, allowed) => {
    const answer = await callApi(path, { method });
    expectContractError(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer.headers.get('allow')).toBe(allowed);
  });
});
