import type { RowData } from '@tanstack/react-table';
import { DataTable, type TableColumn } from './DataTable';

/**
 * A list the API answers whole (no paging: rules, webhooks) as one page of a DataTable, dimmed while
 * it does not show the last command yet.
 */
export function WholeListTable<Row extends RowData>({
  rows,
  columns,
  caption,
  rowKey,
  testId,
  refreshing,
}: {
  rows: readonly Row[];
  columns: readonly TableColumn<Row>[];
  caption: string;
  rowKey: (row: Row) => string;
  testId: string;
  refreshing: boolean;
}) {
  return (
    <div className={refreshing ? 'report refreshing' : 'report'} aria-busy={refreshing}>
      <DataTable
        rows={rows}
        columns={columns}
        sort=""
        onSort={() => undefined}
        page={1}
        pageSize={Math.max(1, rows.length)}
        total={rows.length}
        onPage={() => undefined}
        caption={caption}
        rowKey={rowKey}
        testId={testId}
      />
    </div>
  );
}
