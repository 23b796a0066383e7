import { SeriesReportView, type SeriesViewConfig } from '../components/SeriesReportView';

/** SPEC §4.1 — License Assignment and Activation History. */
const CONFIG: SeriesViewConfig<'seat-history'> = {
  report: 'seat-history',
  title: 'Assignment and Activation History',
  models: ['seat'],
  asOf: true,
  metrics: {
    purchased: {
      label: 'Purchased',
      style: 'step',
      description:
        'At the bucket’s latest record: for the account, the quantity of the purchases active then (after amendments); for an organization, its dedicated quantity.',
    },
    assigned: { label: 'Assigned', style: 'line', description: 'Seats assigned to users in scope at the bucket’s latest record.' },
    activated: { label: 'Activated', style: 'line', description: 'Of those seats, the ones whose current assignment has a login at or after it.' },
  },
};

export default function SeatHistoryView() {
  return <SeriesReportView config={CONFIG} />;
}
