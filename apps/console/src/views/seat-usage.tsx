import { SeriesReportView, type SeriesViewConfig } from '../components/SeriesReportView';

/** SPEC §4.3 — License Usage of seat products (daily unique activity). */
const CONFIG: SeriesViewConfig<'seat-usage'> = {
  report: 'seat-usage',
  title: 'License Usage',
  models: ['seat'],
  groupBy: true,
  metrics: {
    activeUsers: {
      label: 'Active Users',
      style: 'bar',
      description: 'Distinct users with a login, an activity or a session start for the product in the bucket, with or without a seat.',
    },
    averageDailyActive: {
      label: 'Average Daily Active',
      style: 'line',
      description: 'The mean of the daily distinct counts over the bucket’s days up to now, zero days included (2 decimals).',
    },
    peakDailyActive: { label: 'Peak Daily Active', style: 'line', description: 'The largest daily distinct count of the bucket.' },
    assigned: { label: 'Assigned', style: 'step', description: 'Seats assigned to users in scope at the bucket’s latest record.' },
  },
};

export default function SeatUsageView() {
  return <SeriesReportView config={CONFIG} />;
}
