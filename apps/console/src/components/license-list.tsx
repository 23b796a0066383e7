import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LicenseListName, LicenseListPage, LicenseListRows } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { formatNumber } from '../format/format';
import { DataTable, type TableColumn } from './DataTable';
import { ExportButton } from './ExportButton';
import { ProblemMessage } from './feedback';
import { SearchBox } from './TableReportView';

/** Rows a page of a list on the License Management page. */
export const LIST_PAGE_SIZE = 25;

/**
 * One list of a product's overview (licensed users, online or offline licenses, registered machines)
 * as a table paged by the server (`GET …/licenses/{product}/{list}`), with a search box and Export
 * (the API's CSV of every matching row). As of a past instant the overview is replayed once, whole,
 * and its rows are paged here instead (each list request would replay the history again): `rows`.
 */
export function LicenseList<L extends LicenseListName>({
  list,
  title,
  accountId,
  product,
  asOf,
  position,
  columns,
  rowKey,
  rows,
  refreshing,
}: {
  list: L;
  title: string;
  accountId: string;
  product: string;
  asOf: string;
  /** The overview's position: a list is asked again when the overview has folded more. */
  position: string | null;
  columns: readonly TableColumn<LicenseListRows[L]>[];
  rowKey: (row: LicenseListRows[L]) => string;
  rows?: readonly LicenseListRows[L][];
  refreshing: boolean;
}) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const path = accountPath(accountId, `/licenses/${encodeURIComponent(product)}/${list}`);
  const request = { q, asOf, page, pageSize: LIST_PAGE_SIZE };
  const server = useQuery({
    queryKey: ['license-list', accountId, product, list, request, position],
    queryFn: ({ signal }) => getJson<LicenseListPage<L>>(path, request, signal),
    enabled: rows === undefined,
    placeholderData: keepPreviousData,
  });
  const shown =
    rows !== undefined
      ? { total: rows.length, rows: rows.slice((page - 1) * LIST_PAGE_SIZE, page * LIST_PAGE_SIZE) }
      : server.data && { total: server.data.total, rows: server.data.rows };
  const testId = `list-${list}`;
  return (
    <section aria-label={title} data-testid={testId}>
      <h3>
        {title} {shown && <small>({formatNumber(shown.total)})</small>}
      </h3>
      <div className="toolbar">
        {rows === undefined && (
          <SearchBox
            label={`Find in ${title.toLowerCase()}`}
            value={q}
            hint="id, name or email"
            onChange={(text) => {
              setQ(text ?? '');
              setPage(1);
            }}
          />
        )}
        <ExportButton path={path} params={{ q, asOf }} filename={`${list}-${product}.csv`} />
      </div>
      {server.isError && <ProblemMessage error={server.error} />}
      {shown && shown.total === 0 && <p className="muted">{q === '' ? 'None.' : 'No row matches.'}</p>}
      {shown && shown.total > 0 && (
        <div className={refreshing || server.isPlaceholderData ? 'report refreshing' : 'report'} aria-busy={refreshing || server.isFetching}>
          <DataTable
            rows={shown.rows}
            columns={columns}
            sort=""
            onSort={() => undefined}
            page={page}
            pageSize={LIST_PAGE_SIZE}
            total={shown.total}
            onPage={setPage}
            caption={title}
            rowKey={rowKey}
            testId={`${testId}-table`}
          />
        </div>
      )}
    </section>
  );
}
