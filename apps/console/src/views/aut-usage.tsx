import { SeriesReportView, type SeriesViewConfig } from '../components/SeriesReportView';

/** SPEC §4.6 — TrueTest: applications under test active at once. */
const CONFIG: SeriesViewConfig<'aut-usage'> = {
  report: 'aut-usage',
  title: 'Application Usage',
  models: ['aut'],
  related: { path: '/what-if', label: 'What if the quantity were different?' },
  metrics: {
    purchased: {
      label: 'Purchased',
      style: 'step',
      description: 'The scope’s dedicated quantity (for the account, the purchased quantity) at the bucket’s latest record.',
    },
    peakActiveApplications: {
      label: 'Peak Active Applications',
      style: 'bar',
      description: 'The most applications under test active at one instant within the bucket.',
    },
    averagePeak: {
      label: 'Average Peak',
      style: 'line',
      description: 'As for sessions: the mean of the hourly (day) or daily (week, month) peaks; the peak for an hour. 2 decimals.',
    },
  },
};

export default function AutUsageView() {
  return <SeriesReportView config={CONFIG} />;
}
