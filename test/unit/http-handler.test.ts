import { composePlainHttp } from '#lib/compose/runtime.ts';
import { DEFAULT_METRICS_NAMESPACE } from '#lib/config/metrics.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { configureMetrics } from '#lib/metrics/recorder.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';
import { capturingStdout, emfMetrics } from '#test/support/emf.ts';

// The HTTP wrapper's own metrics, read back from the EMF lines a real handler writes: which route
// a request is counted under, and in which namespace when the function is misconfigured.

afterEach(() => configureMetrics({ namespace: DEFAULT_METRICS_NAMESPACE }));

const answering = (env: NodeJS.ProcessEnv = {}): HttpHandler =>
  httpFunction(
    () => composePlainHttp(env),
    async () => ({ body: { ok: true } }),
  ) as unknown as HttpHandler;

const requestsCounted = async (handler: HttpHandler, event: unknown) => {
  const { stdout } = await capturingStdout(async () => {
    await handler(event, lambdaContext('unit'));
  });
  return emfMetrics(stdout).filter((entry) => entry.name === 'Requests');
};

describe('the route a request is counted under', () => {
  test("is API Gateway's routeKey, even where the path alone would not match a route (a stage or an API mapping in front)", async () => {
    const event = { ...httpEvent('GET', '/live/v1/groups/g1/online-count'), routeKey: 'GET /v1/groups/{groupId}/online-count' };
    expect((await requestsCounted(answering(), event)).map((entry) => entry.dimensions.route)).toEqual(['GET /v1/groups/{groupId}/online-count']);
  });

  test("is $default for the catch-all's requests, however many paths reach it", async () => {
    const event = { ...httpEvent('GET', '/v1/groups/g1/online-count'), routeKey: '$default' };
    expect((await requestsCounted(answering(), event)).map((entry) => entry.dimensions.route)).toEqual(['$default']);
  });

  test('without a routeKey (a direct invoke, not through API Gateway), the route the path would match', async () => {
    const { routeKey: _routeKey, ...event } = httpEvent('POST', '/v1/groups/g1/admins');
    expect((await requestsCounted(answering(), event)).map((entry) => entry.dimensions.route)).toEqual(['POST /v1/groups/{groupId}/admins']);
  });
});

test('a function whose other settings are wrong still counts its INTERNAL answers in its own namespace', async () => {
  const { stdout } = await capturingStdout(async () => {
    const handler = answering({ METRICS_NAMESPACE: 'Livegate/Staging', ANSWER_RESERVE_MS: 'soon' });
    const answer = await handler(httpEvent('GET', '/v1/tracking'), lambdaContext('unit'));
    expect({ status: answer.statusCode, code: JSON.parse(answer.body).error.code }).toEqual({ status: 500, code: 'INTERNAL' });
  });
  const counted = emfMetrics(stdout).filter((entry) => entry.name === 'ErrorResponses');
  expect(counted).toEqual([expect.objectContaining({ namespace: 'Livegate/Staging', dimensions: expect.objectContaining({ code: 'INTERNAL' }) })]);
});
