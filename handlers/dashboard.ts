import { composePlainHttp } from '#lib/compose/runtime.ts';
import { EMBEDDED_DASHBOARD_FILES } from '#lib/dashboard/embedded.ts';
import { type DashboardFileName, dashboardAsset, dashboardHeaders } from '#lib/dashboard/site.ts';
import { ApiError } from '#lib/http/api-error.ts';
import { httpFunction } from '#lib/http/handler.ts';

// GET / (the dashboard page) and GET /dashboard/{file} (its script, styles and uPlot), from the
// copies inside this function's bundle. The page calls only the API's own endpoints.

/** The file the request names; only the last segment counts, so a stage prefix does not matter. */
const fileOf = (rawPath: string): DashboardFileName | undefined => {
  const segments = rawPath.split('/');
  const last = segments.at(-1) ?? '';
  if (last === '') return segments.at(-2) === 'dashboard' ? undefined : 'index.html';
  return dashboardAsset(last);
};

export const handler = httpFunction(
  () => composePlainHttp(process.env),
  async ({ event }) => {
    const name = fileOf(event.rawPath ?? '/');
    if (!name) throw new ApiError('NOT_FOUND', 'No such route.');
    return { text: EMBEDDED_DASHBOARD_FILES[name], headers: dashboardHeaders(name) };
  },
);
