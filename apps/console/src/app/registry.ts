import type { ComponentType } from 'react';
import type { LicenseModel, SeriesReportName } from '@contracts';
import { onDemand, type OnDemand } from './on-demand';

/**
 * Every view of the console, in the order of the navigation. A view is one module under `views/`,
 * loaded when first opened (its own chunk); adding one is a module and a line here (docs/console.md).
 */
export interface ViewDefinition {
  /** URL path, e.g. `/seat-history`. */
  readonly path: string;
  readonly title: string;
  readonly section: 'License Utilization' | 'Capacity' | 'License Management' | 'Audit' | 'Alerts' | 'Operations';
  /** What the key's role must be able to do to see the view (GET /v1/me `can`). */
  readonly needs: 'readReports' | 'operate';
  /** The license models whose products the view is for (null: not per product). */
  readonly models: readonly LicenseModel[] | null;
  /** The view's chunk, loaded when the view is first opened. */
  readonly module: OnDemand<{ default: ComponentType }>;
  /** The view draws bucket series: the chart library's chunk is fetched beside the view's. */
  readonly chart?: boolean;
  /** A bucket-series report the view shows: fetched early when the URL names all its parameters. */
  readonly series?: SeriesReportName;
}

export const VIEWS: readonly ViewDefinition[] = [
  {
    path: '/seat-history',
    title: 'Assignment and Activation History',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['seat'],
    module: onDemand(() => import('../views/seat-history')),
    chart: true,
    series: 'seat-history',
  },
  {
    path: '/assignments',
    title: 'License Assignment Details',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['seat'],
    module: onDemand(() => import('../views/assignments')),
  },
  {
    path: '/seat-usage',
    title: 'License Usage',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['seat'],
    module: onDemand(() => import('../views/seat-usage')),
    chart: true,
    series: 'seat-usage',
  },
  {
    path: '/sessions',
    title: 'User Sessions',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['seat', 'session'],
    module: onDemand(() => import('../views/sessions')),
  },
  {
    path: '/session-usage',
    title: 'Session License Usage',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['session'],
    module: onDemand(() => import('../views/session-usage')),
    chart: true,
    series: 'session-usage',
  },
  {
    path: '/aut-usage',
    title: 'Application Usage',
    section: 'License Utilization',
    needs: 'readReports',
    models: ['aut'],
    module: onDemand(() => import('../views/aut-usage')),
    chart: true,
    series: 'aut-usage',
  },
  {
    path: '/what-if',
    title: 'What-if',
    section: 'Capacity',
    needs: 'readReports',
    models: ['session', 'aut'],
    module: onDemand(() => import('../views/what-if')),
    chart: true,
  },
  {
    path: '/idle-seats',
    title: 'Idle Seats',
    section: 'Capacity',
    needs: 'readReports',
    models: ['seat'],
    module: onDemand(() => import('../views/idle-seats')),
    chart: true,
  },
  {
    path: '/denials',
    title: 'Denials',
    section: 'Capacity',
    needs: 'readReports',
    models: ['session', 'aut'],
    module: onDemand(() => import('../views/denials')),
    chart: true,
  },
  {
    path: '/forecast',
    title: 'Forecast',
    section: 'Capacity',
    needs: 'readReports',
    models: ['seat', 'session', 'aut'],
    module: onDemand(() => import('../views/forecast')),
    chart: true,
  },
  {
    path: '/licenses',
    title: 'License Management',
    section: 'License Management',
    needs: 'readReports',
    models: null,
    module: onDemand(() => import('../views/licenses')),
  },
  { path: '/events', title: 'Event Log', section: 'Audit', needs: 'readReports', models: null, module: onDemand(() => import('../views/events')) },
  {
    path: '/alert-rules',
    title: 'Alert Rules',
    section: 'Alerts',
    needs: 'readReports',
    models: null,
    module: onDemand(() => import('../views/alert-rules')),
  },
  { path: '/alerts', title: 'Alerts', section: 'Alerts', needs: 'readReports', models: null, module: onDemand(() => import('../views/alerts')) },
  {
    path: '/webhooks',
    title: 'Webhooks',
    section: 'Alerts',
    needs: 'readReports',
    models: null,
    module: onDemand(() => import('../views/webhooks')),
  },
  {
    path: '/operations',
    title: 'Projections and Health',
    section: 'Operations',
    needs: 'operate',
    models: null,
    module: onDemand(() => import('../views/operations')),
  },
];

export function viewAt(path: string): ViewDefinition | undefined {
  return VIEWS.find((v) => v.path === path);
}
