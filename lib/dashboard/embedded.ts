import uplotJs from 'uplot/dist/uPlot.iife.min.js' with { type: 'text' };
import uplotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' };
import appCss from '#dashboard/page/app.css' with { type: 'text' };
import appJs from '#dashboard/page/app.js' with { type: 'text' };
import indexHtml from '#dashboard/page/index.html' with { type: 'text' };
import type { DashboardFiles } from './site.ts';

// The dashboard's files inside the `dashboard` function's bundle: esbuild inlines each one as a
// string (import attribute `type: 'text'`), so the function reads no file at run time and the
// package needs no extra files. Only the bundler can load this module; `npm run dashboard`
// reads the same files from disk (dashboard/files.ts).

export const EMBEDDED_DASHBOARD_FILES: DashboardFiles = {
  'index.html': indexHtml,
  'app.js': appJs,
  'app.css': appCss,
  'uPlot.iife.min.js': uplotJs,
  'uPlot.min.css': uplotCss,
};
