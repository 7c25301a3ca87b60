import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { atNextWindow } from '#support/snapshot-window.ts';
import { type DrivenBrowser, startBrowser } from '#test/support/browser.ts';
import { cliEnvironment, runDashboardCli, stopDashboardClis } from '#test/support/dashboard-cli.ts';
import { apiUrl, callApi, emulator, groupPath } from '#test/support/http.ts';

// The dashboard in a real headless Chromium over the suite's stack: targets tracked through the
// API and sampled by the snapshot function (invoked through serverless-offline's Lambda port, a
// 4 s window of 2 s ticks), then the page read back: the list, a chart whose points are the
// history endpoint's, and a range switch that asks for the new range.

const GROUP = '@TGS#aDASHBOARD1';
const ROOM = 'dashboard-room-1';
const GROUP_KEY = `group:${GROUP}`;
const HOUR = 3_600_000;

const runSnapshot = async (): Promise<void> => {
  await atNextWindow(4);
  const lambdaUrl = process.env.LIVEGATE_LAMBDA_URL as string;
  const response = await fetch(`${lambdaUrl}/2015-03-31/functions/livegate-local-snapshot/invocations`, {
    method: 'POST',
    body: JSON.stringify({ shard: 0, shards: 1 }),
  });
  expect(response.status).toBe(200);
  await response.text();
};

/** What the page exposes for inspection (window.livegateDashboard): the chart's data and the answer it shows. */
interface Inspected {
  url: string;
  range: { from: string; to: string };
  data: Array<Array<number | null>>;
  chartLoads: number;
}

const INSPECT = `(() => {
  const board = window.livegateDashboard;
  return { url: board.history.url, range: board.history.range, data: board.chart.data, chartLoads: board.chartLoads };
})()`;

/** The chart's columns as the page should draw an answer: the count, the bucket's average, or null for a gap. */
const expectedPoints = (points: any[]): Array<[number, number | null]> =>
  points.map((point) => [
    Date.parse(point.at) / 1000,
    'samples' in point ? (point.samples > 0 ? point.avg : null) : (point.onlineCount ?? point.totalUsers ?? null),
  ]);

/** Every point of the API's answer is on the chart with its value; anything else on it is a break (null). */
const expectChartToShow = (data: Inspected['data'], points: any[]) => {
  const [xs = [], ys = []] = data;
  const chart = new Map(xs.map((x, i) => [x as number, ys[i]]));
  expect(expectedPoints(points).map(([x]) => [x, chart.get(x)])).toEqual(expectedPoints(points));
  const answered = new Set(expectedPoints(points).map(([x]) => x));
  expect(xs.filter((x, i) => !answered.has(x as number) && ys[i] !== null)).toEqual([]);
};

describe('dashboard (headless Chromium)', () => {
  let browser: DrivenBrowser | undefined;
  const page = (): DrivenBrowser => browser as DrivenBrowser;
  const inspect = (): Promise<Inspected> => page().evaluate<Inspected>(INSPECT);

  beforeAll(async () => {
    await emulator.reset();
    await emulator.putGroup(GROUP, { type: 'AVChatRoom', onlineCount: 321 });
    const appId = (await callApi(`/v1/rooms/${ROOM}/online-users`)).body.appId as string;
    await emulator.putRoom(appId, ROOM, { visibleUsers: ['host_a', 'guest_b'], invisibleUsers: ['bot_c'] });
    expect((await callApi(groupPath(GROUP, 'tracking'), { method: 'PUT' })).status).toBe(200);
    expect((await callApi(`/v1/rooms/${ROOM}/tracking`, { method: 'PUT' })).status).toBe(200);
    // Samples, then gaps (the group is gone upstream for a window), then samples again.
    await runSnapshot();
    await emulator.deleteGroup(GROUP);
    await runSnapshot();
    await emulator.putGroup(GROUP, { type: 'AVChatRoom', onlineCount: 345 });
    await runSnapshot();
    browser = await startBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // Other tests count what the snapshot run samples: leave nothing tracked behind.
    await callApi(groupPath(GROUP, 'tracking'), { method: 'DELETE' });
    await callApi(`/v1/rooms/${ROOM}/tracking`, { method: 'DELETE' });
    await emulator.deleteGroup(GROUP);
  });

  test('lists every tracked target with its newest count, and sparklines', async () => {
    await page().goto(`${apiUrl()}/`);
    await page().waitFor(`document.querySelector('#targets tr[data-key="' + CSS.escape(${JSON.stringify(GROUP_KEY)}) + '"]')`, 15_000);
    const listed = (await callApi('/v1/tracking?limit=1000')).body.targets as any[];
    const rows = await page().evaluate<Array<{ key: string; id: string; count: string }>>(
      `[...document.querySelectorAll('#targets tbody tr')].map((tr) => ({ key: tr.dataset.key, id: tr.querySelector('.target-id').textContent, count: tr.querySelector('.count').textContent }))`,
    );
    expect(rows.map((row) => row.key)).toEqual(
      listed.map((target) => (target.kind === 'group' ? `group:${target.groupId}` : `room:${target.appId}:${target.roomId}`)),
    );
    expect(listed.find((target) => target.groupId === GROUP).lastSample).toMatchObject({ onlineCount: 345 });
    expect(rows.find((row) => row.key === GROUP_KEY)).toEqual({ key: GROUP_KEY, id: GROUP, count: '345' });
    expect(listed.find((target) => target.roomId === ROOM).lastSample).toMatchObject({ totalUsers: 3 });
    expect(rows.find((row) => row.id === ROOM)?.count).toBe('3');

    // The group's sparkline (uPlot) holds its samples of the last hour.
    await page().waitFor(`window.livegateDashboard.sparklines[${JSON.stringify(GROUP_KEY)}]?.data[1].some((y) => y !== null)`);
    await page().waitFor(`document.querySelectorAll('.spark canvas').length === ${rows.length}`, 30_000);
  });

  test("a click draws the chart of the target: the history endpoint's points, gaps as breaks", async () => {
    await page().click(`#targets tr[data-key="${GROUP_KEY}"]`);
    await page().waitFor(`window.livegateDashboard.history?.url.includes(${JSON.stringify(encodeURIComponent(GROUP))})`);
    const shown = await inspect();
    expect(Date.parse(shown.range.to) - Date.parse(shown.range.from)).toBe(HOUR);
    expect(await page().evaluate(`document.querySelector('#detail-title').textContent`)).toBe(GROUP);
    expect(await page().evaluate(`document.querySelector('#ranges button[aria-pressed="true"]').textContent`)).toBe('1 h');

    const answer = (await callApi(`/${shown.url}`)).body;
    expect(answer.points.length).toBeGreaterThan(0);
    expectChartToShow(shown.data, answer.points);
    const values = shown.data[1] ?? [];
    if (!answer.points.some((point: any) => 'samples' in point)) {
      // Raw points (an API without step, or step=auto choosing raw): the six ticks of the three windows, the middle two gaps.
      expect(answer.points.map((point: any) => point.onlineCount)).toEqual([321, 321, null, null, 345, 345]);
      expect(values.filter((y) => y !== null)).toEqual([321, 321, 345, 345]);
    }
  });

  test('the range buttons ask for the new range, and the chart refreshes every 10 s', async () => {
    const before = await inspect();
    const requestsBefore = (await page().events()).requests.length;
    await page().click('#ranges button[data-range="24h"]');
    await page().waitFor(`window.livegateDashboard.chartLoads > ${before.chartLoads}`);
    const shown = await inspect();
    expect(Date.parse(shown.range.to) - Date.parse(shown.range.from)).toBe(24 * HOUR);
    const asked = (await page().events()).requests.slice(requestsBefore).map((url) => new URL(url));
    const dayRequest = asked.find(
      (url) =>
        url.pathname.endsWith(`${encodeURIComponent(GROUP)}/online-count/history`) &&
        url.searchParams.get('from') === shown.range.from &&
        url.searchParams.get('to') === shown.range.to,
    );
    expect(dayRequest).toBeDefined();
    expectChartToShow(shown.data, (await callApi(`/${shown.url}`)).body.points);
    expect(await page().evaluate(`document.querySelector('#ranges button[aria-pressed="true"]').textContent`)).toBe('24 h');

    // The next refresh asks again for the same span, ending later.
    await page().waitFor(`window.livegateDashboard.history.range.to > ${JSON.stringify(shown.range.to)}`, 15_000);
    const later = await inspect();
    expect(Date.parse(later.range.to) - Date.parse(later.range.from)).toBe(24 * HOUR);
  });

  test('no console error', async () => {
    const { consoleErrors, failures } = await page().events();
    // The one exception: an API without `step` refuses it once (400 naming it), and the browser logs that 400.
    const stepRefusals = failures.filter(
      (failure) => failure.status === 400 && failure.url.includes('step=auto') && JSON.parse(failure.body).error.details.some((d: any) => d.field === 'step'),
    );
    expect(stepRefusals.length).toBeLessThanOrEqual(1);
    expect(failures.filter((failure) => !stepRefusals.includes(failure))).toEqual([]);
    const refused = 'Failed to load resource: the server responded with a status of 400 (Bad Request)';
    expect(consoleErrors).toEqual(stepRefusals.map(() => refused));
  });
});

// The same page over an API whose history endpoints take `step` (History at any range), through
// `npm run dashboard`: a stand-in answers 1-minute buckets, one of them only gaps and two missing.
describe('dashboard (headless Chromium) over stepped history, through npm run dashboard', () => {
  const STEPPED_GROUP = '@TGS#aSTEPPED';
  const requests: URL[] = [];
  let standIn: Server;
  let browser: DrivenBrowser | undefined;
  const page = (): DrivenBrowser => browser as DrivenBrowser;

  const bucket = (at: number, avg: number | null) =>
    avg === null
      ? { at: new Date(at).toISOString(), samples: 0, gaps: 6, min: null, max: null, avg: null, last: null }
      : { at: new Date(at).toISOString(), samples: 6, gaps: 0, min: avg - 2, max: avg + 2, avg, last: avg + 1 };

  beforeAll(async () => {
    standIn = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      requests.push(url);
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      };
      if (url.pathname === '/v1/tracking') {
        const target = { kind: 'group', groupId: STEPPED_GROUP, sources: ['api'], since: '2026-11-21T10:00:00.000Z', expiresAt: null };
        return answer(200, { targets: [{ ...target, lastSample: { at: new Date().toISOString(), onlineCount: 131 } }], nextCursor: null });
      }
      if (url.pathname === `/v1/groups/${encodeURIComponent(STEPPED_GROUP)}/online-count/history` && url.searchParams.get('step') === 'auto') {
        const t0 = Math.ceil(Date.parse(url.searchParams.get('from') as string) / 60_000) * 60_000;
        const points = [bucket(t0, 100.5), bucket(t0 + 60_000, null), bucket(t0 + 120_000, 120), bucket(t0 + 300_000, 130)];
        const stats = { samples: 18, gaps: 6, peak: 132, peakAt: new Date(t0 + 300_000).toISOString(), min: 98.5, avg: 116.83 };
        return answer(200, {
          groupId: STEPPED_GROUP,
          from: url.searchParams.get('from'),
          to: url.searchParams.get('to'),
          step: '1m',
          points,
          stats,
          nextCursor: null,
        });
      }
      return answer(404, { error: { code: 'NOT_FOUND', message: 'No such route.', requestId: 'stand-in' } });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    const cli = await runDashboardCli(
      ['--api', `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`, '--auth', 'none', '--port', '0'],
      cliEnvironment(),
    );
    browser = await startBrowser();
    await page().goto(cli.url as string);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    stopDashboardClis();
    await new Promise((resolve) => standIn?.close(resolve));
  });

  test("charts each bucket's average; a bucket of gaps only, and buckets missing, are breaks", async () => {
    const row = `#targets tr[data-key="group:${STEPPED_GROUP}"]`;
    await page().waitFor(`document.querySelector(${JSON.stringify(row)})`);
    await page().click(row);
    await page().waitFor('window.livegateDashboard.chartLoads > 0');
    const shown = await page().evaluate<Inspected>(INSPECT);
    const t0 = Math.ceil(Date.parse(shown.range.from) / 60_000) * 60;
    expect(shown.data).toEqual([
      [t0, t0 + 60, t0 + 120, t0 + 180, t0 + 300],
      [100.5, null, 120, null, 130],
    ]);
    const chartRequest = new URL(shown.url, 'http://stand-in');
    expect(chartRequest.searchParams.get('step')).toBe('auto');
    expect(chartRequest.searchParams.get('limit')).toBe('1500');
    expect(requests.some((url) => url.pathname.endsWith('/history') && url.searchParams.get('limit') === '120')).toBe(true);
    expect(await page().evaluate('document.querySelector("#stats").textContent')).toContain('1m buckets (average)');
    expect(await page().evaluate('window.livegateDashboard.step')).toBe(true);
    const { consoleErrors, failures } = await page().events();
    expect({ consoleErrors, failures }).toEqual({ consoleErrors: [], failures: [] });
  });
});
