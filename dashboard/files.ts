import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARD_FILES, type DashboardFileName, type DashboardFiles } from '#lib/dashboard/site.ts';

// The dashboard's files read from this checkout (the `dashboard` function carries copies in its
// bundle instead: lib/dashboard/embedded.ts).

const PROJECT_ROOT = path.join(import.meta.dirname, '..');

export const readDashboardFiles = (root = PROJECT_ROOT): DashboardFiles =>
  Object.fromEntries(Object.entries(DASHBOARD_FILES).map(([name, file]) => [name, readFileSync(path.join(root, file.source), 'utf8')])) as Record<
    DashboardFileName,
    string
  >;
