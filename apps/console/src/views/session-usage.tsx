import { SeriesReportView, type SeriesViewConfig } from '../components/SeriesReportView';

/** SPEC §4.5 — License Usage of session products (KRE, TestCloud). */
const CONFIG: SeriesViewConfig<'session-usage'> = {
  report: 'session-usage',
  title: 'Session License Usage',
  models: ['session'],
  groupBy: true,
  related: { path: '/what-if', label: 'What if the quantity were different?' },
  metrics: {
    availableSessions: {
      label: 'Available Sessions',
      style: 'step',
      description: 'The scope’s dedicated quantity (for the account, the purchased quantity) at the bucket’s latest record.',
    },
    peakUsage: {
      label: 'Peak Usage',
      style: 'bar',
      description:
        'The most sessions of users in scope open at the same instant within the bucket (sessions are half-open: one ending at t and one starting at t never overlap).',
    },
    averagePeak: {
      label: 'Average Peak',
      style: 'line',
      description:
        'Hour: the peak. Day: the mean of its hourly peaks (23 or 25 on DST days). Week, month: the mean of the daily peaks of its days in the range, up to now. 2 decimals.',
    },
    denied: {
      label: 'Denied',
      style: 'bar',
      description: 'Session starts denied for capacity (SessionDenied) in the bucket, by the attempt’s time, for the attempting user’s scope.',
    },
  },
};

export default function SessionUsageView() {
  return <SeriesReportView config={CONFIG} />;
}
