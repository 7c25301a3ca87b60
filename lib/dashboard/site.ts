// The dashboard's files and how they are answered, shared by the `dashboard` function (which
// carries the files inside its bundle) and `npm run dashboard` (which reads them from disk).
// `GET /` is the page; `GET /dashboard/{file}` its script, styles and uPlot.

export const DASHBOARD_FILES = {
  'index.html': { source: 'dashboard/page/index.html', contentType: 'text/html; charset=utf-8' },
  'app.js': { source: 'dashboard/page/app.js', contentType: 'text/javascript; charset=utf-8' },
  'app.css': { source: 'dashboard/page/app.css', contentType: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { source: 'node_modules/uplot/dist/uPlot.iife.min.js', contentType: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { source: 'node_modules/uplot/dist/uPlot.min.css', contentType: 'text/css; charset=utf-8' },
} as const;

export type DashboardFileName = keyof typeof DASHBOARD_FILES;
export type DashboardFiles = Readonly<Record<DashboardFileName, string>>;

/** The file a name under `/dashboard/` stands for; the page itself is only `/`. */
export const dashboardAsset = (name: string): DashboardFileName | undefined =>
  name !== 'index.html' && Object.hasOwn(DASHBOARD_FILES, name) ? (name as DashboardFileName) : undefined;

/** The file a path names: `index.html` for `/`, an asset for `/dashboard/<name>`, undefined otherwise. */
export const dashboardFileFor = (path: string): DashboardFileName | undefined => {
  if (path === '/') return 'index.html';
  const match = /^\/dashboard\/([^/]+)$/.exec(path);
  return match?.[1] === undefined ? undefined : dashboardAsset(match[1]);
};

/**
 * What every dashboard file is answered with. The policy lets the page load only its own
 * files and call only its own origin: the API's endpoints (or, behind `npm run dashboard`,
 * the proxy that forwards them).
 */
export const dashboardHeaders = (name: DashboardFileName): Record<string, string> => ({
  'content-type': DASHBOARD_FILES[name].contentType,
  'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=300',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});
