// The livegate dashboard: every tracked target with its newest count and a sparkline, and the
// chart of one target. It calls only the API's own endpoints, relative to the page, so it works
// on the API itself (GET /) and behind `npm run dashboard`, which signs the calls it forwards.
//
// History is asked for with `step=auto` and a `limit` (one point per bucket). An API without
// `step` refuses the parameter (400 naming `step`); the page then asks for raw points, page by page.

const { uPlot } = window;

const REFRESH_MS = 10_000;
const SPARK_REFRESH_MS = 60_000;
const HOUR_MS = 3_600_000;
const RANGES = { '1h': HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS };
/** Points a stepped chart asks for: 1-minute buckets up to 24 h, hours for 7 and 30 days. */
const CHART_LIMIT = 1500;
/** A sparkline covers the last hour: 1-minute buckets (61 at most). */
const SPARK_LIMIT = 120;
/** Raw points: the largest page the API gives, and the most pages read for one range. */
const RAW_PAGE_LIMIT = 10_000;
const RAW_MAX_PAGES = 40;
const TRACKING_MAX_PAGES = 50;
const SPARK_CONCURRENCY = 4;
const STEP_SECONDS = { '1m': 60, '5m': 300, '1h': 3600, '1d': 86_400 };

const state = {
  /** @type {Array<Record<string, any>>} */
  targets: [],
  /** key of the selected target */
  selected: undefined,
  range: '1h',
  filter: '',
  /** true: the API takes `step`; false: it refused it; undefined: not asked yet */
  step: undefined,
};

/** What a test (or a curious operator, in the console) can read back from the page. */
const inspect = {
  /** the detail chart (uPlot), its data in `chart.data` */
  chart: undefined,
  /** the answer the chart shows, and the URL it came from */
  history: undefined,
  /** sparkline uPlot instances by target key */
  sparklines: {},
  /** completed refreshes of the list and of the chart */
  listLoads: 0,
  chartLoads: 0,
  get step() {
    return state.step;
  },
};
window.livegateDashboard = inspect;

const $ = (selector) => document.querySelector(selector);
/** The browser's language when Intl knows it (a headless browser may report one such as `en-US@posix`). */
const locale = (() => {
  try {
    return new Intl.NumberFormat(navigator.language).resolvedOptions().locale;
  } catch {
    return 'en';
  }
})();
const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const dateTime = (iso) => new Date(iso).toLocaleString(locale);

class ApiFailure extends Error {
  constructor(url, status, body) {
    // The API's own errors, or API Gateway's (`{"message":"Forbidden"}`) when authorization fails.
    const code = body?.error?.code ?? 'HTTP';
    const message = body?.error?.message ?? body?.message;
    super(`${url.split('?')[0]}: ${status} ${code}${message ? ` (${message})` : ''}`);
    this.status = status;
    this.body = body;
  }
}

const getJson = async (url) => {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiFailure(url, response.status, body);
  return body;
};

// --- targets -------------------------------------------------------------------------------

const keyOf = (target) => (target.kind === 'group' ? `group:${target.groupId}` : `room:${target.appId}:${target.roomId}`);
const labelOf = (target) => (target.kind === 'group' ? target.groupId : target.roomId);
const valueField = (target) => (target.kind === 'group' ? 'onlineCount' : 'totalUsers');

const historyUrl = (target) =>
  target.kind === 'group'
    ? `v1/groups/${encodeURIComponent(target.groupId)}/online-count/history?`
    : `v1/rooms/${encodeURIComponent(target.roomId)}/online-users/history?appId=${encodeURIComponent(target.appId)}&`;

/** Every tracked target, following `nextCursor`. */
const loadTargets = async () => {
  const targets = [];
  let cursor = null;
  for (let page = 0; page < TRACKING_MAX_PAGES; page += 1) {
    const answer = await getJson(`v1/tracking?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    targets.push(...answer.targets);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return targets;
};

// --- history -------------------------------------------------------------------------------

const refusesStep = (error) => error instanceof ApiFailure && error.status === 400 && (error.body?.error?.details ?? []).some((d) => d.field === 'step');

/** Raw points of [from, to], page after page (an API without `step`). */
const fetchRaw = async (target, range) => {
  const url = `${historyUrl(target)}from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}&limit=${RAW_PAGE_LIMIT}`;
  const first = await getJson(url);
  const points = [...first.points];
  let cursor = first.nextCursor;
  for (let page = 1; cursor && page < RAW_MAX_PAGES; page += 1) {
    const next = await getJson(`${url}&cursor=${encodeURIComponent(cursor)}`);
    points.push(...next.points);
    cursor = next.nextCursor;
  }
  return { answer: { ...first, points, nextCursor: cursor }, url, truncated: Boolean(cursor) };
};

const fetchStepped = async (target, range, limit) => {
  const url = `${historyUrl(target)}from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}&step=auto&limit=${limit}`;
  try {
    const answer = await getJson(url);
    state.step = true;
    return { answer, url, truncated: Boolean(answer.nextCursor) };
  } catch (error) {
    if (!refusesStep(error)) throw error;
    state.step = false;
    return fetchRaw(target, range);
  }
};

/** Settles once the first stepped request has told whether the API takes `step`. */
let stepDecided;

/** The history of one target over `range`, stepped when the API can, raw otherwise. */
const fetchHistory = async (target, range, limit) => {
  while (state.step === undefined && stepDecided) await stepDecided;
  if (state.step === false) return fetchRaw(target, range);
  if (state.step === true) return fetchStepped(target, range, limit);
  // The first history request asks alone, so an API without `step` refuses it once, not once per target.
  let decided;
  stepDecided = new Promise((resolve) => {
    decided = resolve;
  });
  try {
    return await fetchStepped(target, range, limit);
  } finally {
    stepDecided = undefined;
    decided();
  }
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
};

/**
 * uPlot's columns for an answer: x in seconds, y the count (raw) or the bucket's average (stepped),
 * null for a gap. Where nothing at all is stored for more than two intervals (the snapshots were
 * not running), a null is added too, so the line breaks there instead of bridging the hole.
 */
const toSeries = (answer, field) => {
  const xs = answer.points.map((point) => Date.parse(point.at) / 1000);
  const ys = answer.points.map((point) => {
    if ('samples' in point) return point.samples > 0 ? (point.avg ?? point.last ?? null) : null;
    return point[field] ?? null;
  });
  const interval = STEP_SECONDS[answer.step] ?? median(xs.slice(1).map((x, i) => x - xs[i]));
  const data = [[], []];
  xs.forEach((x, i) => {
    const previous = xs[i - 1];
    if (interval && previous !== undefined && x - previous > 2 * interval) {
      data[0].push(previous + interval);
      data[1].push(null);
    }
    data[0].push(x);
    data[1].push(ys[i]);
  });
  return data;
};

/** uPlot draws no line through a value with gaps on both sides: show such a value as a dot. */
const isolatedPoints = (u, seriesIndex, show) => {
  if (show) return null;
  const ys = u.data[seriesIndex];
  const alone = [];
  for (let i = 0; i < ys.length; i += 1) {
    if (ys[i] !== null && (ys[i - 1] ?? null) === null && (ys[i + 1] ?? null) === null) alone.push(i);
  }
  return alone.length > 0 ? alone : null;
};

const rangeEnding = (now, spanMs) => ({ from: new Date(now - spanMs).toISOString(), to: new Date(now).toISOString() });

// --- the list ------------------------------------------------------------------------------

const rows = new Map();

const formatCount = (value) => (value === null || value === undefined ? '—' : numberFormat.format(value));

const ago = (iso) => {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
};

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const sparkline = (entry) =>
  new uPlot(
    {
      width: 140,
      height: 32,
      pxAlign: false,
      cursor: { show: false },
      select: { show: false },
      legend: { show: false },
      scales: { x: { time: false, range: () => [entry.xRange.min, entry.xRange.max] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: '#2563eb', width: 1.25, fill: 'rgba(37, 99, 235, 0.08)', points: { show: false, filter: isolatedPoints, size: 3 } }],
    },
    [[], []],
    entry.sparkBox,
  );

const createRow = (target) => {
  const row = element('tr');
  row.tabIndex = 0;
  const name = element('td');
  name.append(element('span', 'target-id'), element('span', 'meta'));
  const now = element('td', 'num');
  now.append(element('span', 'count'), element('span', 'meta'));
  const spark = element('td');
  const sparkBox = element('div', 'spark');
  spark.append(sparkBox);
  row.append(name, now, spark);
  const key = keyOf(target);
  row.dataset.key = key;
  row.addEventListener('click', () => select(key));
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select(key);
    }
  });
  const entry = { row, sparkBox, plot: undefined, sparkLoadedAt: 0, xRange: { min: 0, max: 1 } };
  rows.set(key, entry);
  return entry;
};

const updateRow = (entry, target) => {
  const [name, now] = entry.row.children;
  name.children[0].textContent = labelOf(target);
  const details = [target.kind === 'group' ? 'live group' : `room · app ${target.appId}`, target.sources.join(', ')];
  name.children[1].textContent = details.join(' · ');
  const sample = target.lastSample;
  const count = now.children[0];
  const when = now.children[1];
  if (!sample) {
    count.textContent = '—';
    count.className = 'count';
    when.textContent = 'no sample yet';
  } else if (sample.gap) {
    count.textContent = '—';
    count.className = 'count gap';
    when.textContent = `gap: ${sample.gap}`;
    when.title = sample.at;
  } else {
    count.textContent = formatCount(sample[valueField(target)]);
    count.className = 'count';
    when.textContent = ago(sample.at);
    when.title = sample.at;
  }
  entry.row.classList.toggle('selected', keyOf(target) === state.selected);
  entry.row.hidden = state.filter !== '' && !labelOf(target).toLowerCase().includes(state.filter);
};

const renderTargets = () => {
  const body = $('#targets tbody');
  const seen = new Set();
  for (const target of state.targets) {
    const key = keyOf(target);
    seen.add(key);
    const entry = rows.get(key) ?? createRow(target);
    updateRow(entry, target);
    body.append(entry.row); // keeps the API's order (groups, then rooms)
  }
  for (const [key, entry] of rows) {
    if (seen.has(key)) continue;
    entry.plot?.destroy();
    entry.row.remove();
    rows.delete(key);
    delete inspect.sparklines[key];
  }
  $('#target-count').textContent = `(${state.targets.length})`;
  $('#targets-empty').hidden = state.targets.length > 0;
};

/** Sparklines of the last hour, a few requests at a time, each at most once a minute. */
const refreshSparklines = async () => {
  const now = Date.now();
  const due = state.targets.filter((target) => now - (rows.get(keyOf(target))?.sparkLoadedAt ?? 0) >= SPARK_REFRESH_MS);
  const range = rangeEnding(now, HOUR_MS);
  const work = async () => {
    for (let target = due.shift(); target; target = due.shift()) {
      const entry = rows.get(keyOf(target));
      if (!entry) continue;
      entry.sparkLoadedAt = now;
      try {
        const { answer } = await fetchHistory(target, range, SPARK_LIMIT);
        entry.xRange = { min: Date.parse(range.from) / 1000, max: Date.parse(range.to) / 1000 };
        entry.plot ??= sparkline(entry);
        entry.plot.setData(toSeries(answer, valueField(target)));
        inspect.sparklines[keyOf(target)] = entry.plot;
      } catch (error) {
        entry.sparkLoadedAt = 0;
        showError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: SPARK_CONCURRENCY }, work));
};

// --- the chart -----------------------------------------------------------------------------

const selectedTarget = () => state.targets.find((target) => keyOf(target) === state.selected);

/** The x range the chart shows: the whole requested range, wherever the data is. */
let chartRange = { min: 0, max: 1 };

const chartWidth = () => Math.max(320, $('#chart').clientWidth);

const createChart = (label) =>
  new uPlot(
    {
      width: chartWidth(),
      height: 340,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => [chartRange.min, chartRange.max] } },
      axes: [{ grid: { stroke: '#eef1f4' } }, { grid: { stroke: '#eef1f4' }, size: 60 }],
      series: [
        {},
        {
          label,
          stroke: '#2563eb',
          width: 2,
          fill: 'rgba(37, 99, 235, 0.08)',
          spanGaps: false,
          points: { show: false, filter: isolatedPoints, size: 6 },
          value: (_u, value) => formatCount(value),
        },
      ],
    },
    [[], []],
    $('#chart'),
  );

const statsItems = (answer, truncated) => {
  const stats = answer.stats ?? {};
  const items = [
    ['samples', formatCount(stats.samples)],
    ['gaps', formatCount(stats.gaps ?? 0)],
    ['peak', stats.peak === null || stats.peak === undefined ? '—' : `${formatCount(stats.peak)} at ${dateTime(stats.peakAt)}`],
    ['min', formatCount(stats.min)],
    ['average', formatCount(stats.avg)],
    ['points', answer.step ? `${answer.step} buckets (average)` : 'raw samples'],
  ];
  if (truncated) items.push(['shown', `the first ${formatCount(answer.points.length)} points`]);
  return items;
};

const renderStats = (answer, truncated) => {
  const list = $('#stats');
  list.replaceChildren(
    ...statsItems(answer, truncated).map(([name, value]) => {
      const item = element('div');
      item.append(element('dt', '', name), element('dd', '', value));
      return item;
    }),
  );
};

let chartRequest = 0;

const loadChart = async () => {
  const target = selectedTarget();
  if (!target) return;
  const request = ++chartRequest;
  const now = Date.now();
  const range = rangeEnding(now, RANGES[state.range]);
  const { answer, url, truncated } = await fetchHistory(target, range, CHART_LIMIT);
  if (request !== chartRequest) return; // a newer request (another target or range) won
  const data = toSeries(answer, valueField(target));
  chartRange = { min: Date.parse(range.from) / 1000, max: Date.parse(range.to) / 1000 };
  if (!inspect.chart || inspect.chart.series[1]?.label !== labelOf(target)) {
    inspect.chart?.destroy();
    inspect.chart = createChart(labelOf(target));
  }
  inspect.chart.setData(data);
  inspect.history = { url, answer, range, truncated };
  renderStats(answer, truncated);
  $('#detail-note').textContent =
    (answer.stats?.samples ?? 0) === 0 ? 'No samples in this range yet: the snapshot function stores one per target every interval.' : '';
  inspect.chartLoads += 1;
};

const renderDetail = () => {
  const target = selectedTarget();
  $('#detail-hint').hidden = Boolean(target);
  $('#detail-body').hidden = !target;
  if (!target) return;
  $('#detail-title').textContent = labelOf(target);
  const expiry = target.expiresAt ? `until ${dateTime(target.expiresAt)}` : 'until removed';
  const kind = target.kind === 'group' ? 'live group · online members' : `RTC room · app ${target.appId} · online users`;
  $('#detail-sub').textContent = `${kind} · tracked by ${target.sources.join(', ')} ${expiry}`;
  for (const button of document.querySelectorAll('#ranges button')) button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
};

// --- state, refresh, errors ----------------------------------------------------------------

const showError = (error) => {
  const status = $('#status');
  status.textContent = error instanceof Error ? error.message : String(error);
  status.className = 'error';
};

const showUpdated = () => {
  const status = $('#status');
  status.textContent = `updated ${new Date().toLocaleTimeString(locale)} · every ${REFRESH_MS / 1000} s`;
  status.className = '';
};

const saveLocation = () => {
  const params = new URLSearchParams();
  if (state.selected) params.set('target', state.selected);
  params.set('range', state.range);
  history.replaceState(null, '', `#${params}`);
};

const readLocation = () => {
  const params = new URLSearchParams(location.hash.slice(1));
  state.selected = params.get('target') ?? undefined;
  const range = params.get('range');
  if (range && range in RANGES) state.range = range;
};

const chartNow = () => loadChart().catch(showError);

const select = (key) => {
  state.selected = key;
  saveLocation();
  for (const [rowKey, entry] of rows) entry.row.classList.toggle('selected', rowKey === key);
  renderDetail();
  void chartNow();
};

const refreshList = async () => {
  state.targets = await loadTargets();
  renderTargets();
  renderDetail();
  inspect.listLoads += 1;
};

let refreshing = false;

const refresh = async () => {
  if (refreshing) return; // the previous refresh is still waiting for the API
  refreshing = true;
  try {
    await refreshList();
    await Promise.all([loadChart(), refreshSparklines()]);
    showUpdated();
  } catch (error) {
    showError(error);
  } finally {
    refreshing = false;
  }
};

for (const button of document.querySelectorAll('#ranges button')) {
  button.addEventListener('click', () => {
    state.range = button.dataset.range;
    saveLocation();
    renderDetail();
    void chartNow();
  });
}

$('#filter').addEventListener('input', (event) => {
  state.filter = event.target.value.trim().toLowerCase();
  renderTargets();
});

new ResizeObserver(() => inspect.chart?.setSize({ width: chartWidth(), height: 340 })).observe($('#chart'));

readLocation();
void refresh();
setInterval(refresh, REFRESH_MS);
