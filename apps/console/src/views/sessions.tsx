import { useAccountDirectory } from '../app/console-context';
import { instantCell, TableReportView, type TableViewConfig } from '../components/TableReportView';
import { formatDuration } from '../format/format';

/** SPEC §4.4 — User Sessions: one row per started session. */
export default function SessionsView() {
  const { timezone } = useAccountDirectory();
  const instant = instantCell(timezone);
  const config: TableViewConfig<'sessions'> = {
    report: 'sessions',
    title: 'User Sessions',
    models: ['seat', 'session'],
    filters: ['q', 'licenseSource', 'organization', 'status', 'started'],
    searchHint: 'User, email, session or machine id',
    rowKey: (row) => row.sessionId,
    columns: [
      { key: 'sessionId', header: 'Session', sortable: true },
      { key: 'user', header: 'User', sortable: true },
      { key: 'email', header: 'Email', sortable: true },
      { key: 'machineId', header: 'Machine', sortable: true },
      { key: 'licenseSource', header: 'License Source', sortable: true },
      { key: 'organization', header: 'Organization', sortable: true },
      { key: 'licenseType', header: 'License Type', sortable: true },
      { key: 'started', header: 'Started', sortable: true, cell: (row) => instant(row.started) },
      { key: 'ended', header: 'Ended', sortable: true, cell: (row) => instant(row.ended) },
      { key: 'durationSeconds', header: 'Duration', sortable: true, numeric: true, cell: (row) => formatDuration(row.durationSeconds) },
      { key: 'status', header: 'Status', sortable: true, cell: (row) => <span className={`badge ${row.status}`}>{row.status}</span> },
    ],
  };
  return <TableReportView config={config} />;
}
