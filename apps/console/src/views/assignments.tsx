import { useAccountDirectory } from '../app/console-context';
import { instantCell, TableReportView, type TableViewConfig } from '../components/TableReportView';

/** SPEC §4.2 — License Assignment Details: one row per current seat. */
export default function AssignmentsView() {
  const { timezone } = useAccountDirectory();
  const instant = instantCell(timezone);
  const config: TableViewConfig<'assignments'> = {
    report: 'assignments',
    title: 'License Assignment Details',
    models: ['seat'],
    filters: ['q', 'organization', 'licenseSource'],
    searchHint: 'Name or email',
    asOf: true,
    rowKey: (row) => row.userId,
    columns: [
      { key: 'user', header: 'User', sortable: true },
      { key: 'userId', header: 'User ID', sortable: true },
      { key: 'email', header: 'Email', sortable: true },
      { key: 'licenseSource', header: 'License Source', sortable: true },
      { key: 'organization', header: 'Organization', sortable: true },
      { key: 'projects', header: 'Projects' },
      { key: 'lastAssignment', header: 'Last Assignment', sortable: true, cell: (row) => instant(row.lastAssignment) },
      { key: 'lastActiveUse', header: 'Last Active Use', sortable: true, cell: (row) => instant(row.lastActiveUse) },
      { key: 'activated', header: 'Activated', sortable: true, cell: (row) => (row.activated ? 'Yes' : 'No') },
    ],
  };
  return <TableReportView config={config} />;
}
