import { onDemand } from '../app/on-demand';

/** The chart library (ECharts) and the chart component: a chunk of its own, shared by the views that draw charts. */
export const chartModule = onDemand(() => import('./SeriesChart'));
