import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { accessibilityDashboard } from './accessibility.ts';
import { maturityDashboard } from './maturity.ts';
import { overviewDashboard } from './overview.ts';
import { selfDashboard } from './self.ts';
import { serviceDashboard } from './service.ts';

/** Every shipped dashboard, by the file it is written to under `dashboards/`. */
export const DASHBOARDS: Record<string, () => dashboard.DashboardBuilder> = {
  'overview.json': overviewDashboard,
  'service.json': serviceDashboard,
  'accessibility.json': accessibilityDashboard,
  'maturity.json': maturityDashboard,
  'ozgwatch.json': selfDashboard,
};

/** The JSON text of each dashboard as Grafana imports it. */
export function renderDashboards(): Map<string, string> {
  return new Map(
    Object.entries(DASHBOARDS).map(([file, build]) => [
      file,
      `${JSON.stringify(build().build(), null, 2)}\n`,
    ]),
  );
}
