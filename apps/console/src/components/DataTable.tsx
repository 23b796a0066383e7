import {
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type PaginationState,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import { useMemo, type ReactNode } from 'react';
import { formatNumber } from '../format/format';

const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });

export interface TableColumn<Row> {
  /** The row's field; also the API's `sort` name. */
  readonly key: keyof Row & string;
  /** The column's id when two columns show the same field (default: `key`). */
  readonly id?: string;
  readonly header: string;
  readonly sortable?: boolean;
  readonly numeric?: boolean;
  readonly cell?: (row: Row) => ReactNode;
}

/** The API's `sort` (`column` or `-column`) as the table's sorting state, and back. */
export function sortingOf(sort: string): SortingState {
  if (sort === '') return [];
  return [{ id: sort.replace(/^-/, ''), desc: sort.startsWith('-') }];
}

export function sortOf(sorting: SortingState): string | null {
  const first = sorting[0];
  return first ? `${first.desc ? '-' : ''}${first.id}` : null;
}

/**
 * A page of a table report (TanStack Table): the server sorts and pages, the table holds that state
 * (sort and page live in the URL through `onSort` / `onPage`). Headers are sort buttons announcing
 * their order (aria-sort); the pager says which rows of how many are shown.
 */
export function DataTable<Row extends RowData>({
  rows,
  columns,
  sort,
  onSort,
  page,
  pageSize,
  total,
  onPage,
  caption,
  rowKey,
  testId,
}: {
  rows: readonly Row[];
  columns: readonly TableColumn<Row>[];
  sort: string;
  onSort: (sort: string | null) => void;
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  caption: string;
  rowKey: (row: Row) => string;
  testId?: string;
}) {
  const columnDefs = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      columns.map((c) => ({
        id: c.id ?? c.key,
        accessorFn: (row: Row) => row[c.key],
        header: c.header,
        enableSorting: c.sortable ?? false,
        cell: (info) => (c.cell ? c.cell(info.row.original) : display(info.getValue())),
      })),
    [columns],
  );
  const sorting = useMemo(() => sortingOf(sort), [sort]);
  const pagination: PaginationState = { pageIndex: page - 1, pageSize };
  const data = useMemo(() => [...rows], [rows]);
  const table = useTable({
    features,
    columns: columnDefs,
    data,
    state: { sorting, pagination },
    manualSorting: true,
    manualPagination: true,
    rowCount: total,
    enableSortingRemoval: false,
    onSortingChange: (updater) => onSort(sortOf(typeof updater === 'function' ? updater(sorting) : updater)),
    onPaginationChange: (updater) => onPage((typeof updater === 'function' ? updater(pagination) : updater).pageIndex + 1),
    getRowId: (row) => rowKey(row),
  });
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const numeric = new Set(columns.filter((c) => c.numeric).map((c) => c.key));

  return (
    <>
      <div className="table-scroll">
        <table className="data" data-testid={testId}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const label = <table.FlexRender header={header} />;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={numeric.has(header.id as keyof Row & string) ? 'num' : undefined}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                    >
                      {header.column.getCanSort() ? (
                        <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                          {label}
                          {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={numeric.has(cell.column.id as keyof Row & string) ? 'num' : undefined}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" onClick={() => table.firstPage()} disabled={!table.getCanPreviousPage()}>
          First
        </button>
        <button type="button" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
          Previous
        </button>
        <span role="status" data-testid="pager">
          Rows {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)} · page {page} of {Math.max(1, table.getPageCount())}
        </span>
        <button type="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
          Next
        </button>
        <button type="button" onClick={() => table.lastPage()} disabled={!table.getCanNextPage()}>
          Last
        </button>
      </nav>
    </>
  );
}

function display(value: unknown): ReactNode {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length === 0 ? <span className="muted">—</span> : value.join(', ');
  return String(value);
}
