import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { LicenseModel, TableBodyOf, TableReportName, TableReports } from '@contracts';
import { accountPath } from '../api/account';
import { useAccountDirectory } from '../app/console-context';
import { getJson } from '../api/client';
import { formatInstant, formatNumber } from '../format/format';
import { AsOfPicker, DateRange, ProductPicker, ScopePicker, useReportFilters } from './controls';
import { DataTable, type TableColumn } from './DataTable';
import { ExportButton } from './ExportButton';
import { Empty, Loading, ProblemMessage } from './feedback';

export type TableFilter = 'organization' | 'licenseSource' | 'q' | 'status' | 'started' | 'minIdleDays';

/** One table report of SPEC §4 as a view. */
export interface TableViewConfig<N extends TableReportName> {
  readonly report: N;
  readonly title: string;
  readonly models: readonly LicenseModel[];
  readonly columns: readonly TableColumn<TableReports[N]>[];
  readonly filters: readonly TableFilter[];
  /** What the search box searches, for its label. */
  readonly searchHint: string;
  readonly asOf?: boolean;
  readonly rowKey: (row: TableReports[N]) => string;
}

/** The URL parameters a table view's filters set (Reset Filters clears them). */
const FILTER_PARAMS = ['orgId', 'licenseSource', 'q', 'status', 'from', 'to', 'minIdleDays', 'page'];
const PAGE_SIZES = [25, 50, 100, 500];

/**
 * A table report: filters, Reset Filters, sorting by any column header, paging, and Export (the
 * API's CSV for the same filters, every page). Filters, sort, page and as-of live in the URL.
 * `children` follow the table (e.g. a question about the same seats).
 */
export function TableReportView<N extends TableReportName>({ config, children }: { config: TableViewConfig<N>; children?: ReactNode }) {
  const filters = useReportFilters(config.models, { range: false });
  const { account, params, update } = filters;
  const has = (filter: TableFilter) => config.filters.includes(filter);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const pageSize = Number(params.get('pageSize') ?? '50') || 50;
  const request = {
    product: filters.product,
    orgId: filters.orgId,
    licenseSource: params.get('licenseSource') ?? '',
    q: params.get('q') ?? '',
    status: has('status') ? (params.get('status') ?? '') : '',
    from: has('started') ? (params.get('from') ?? '') : '',
    to: has('started') ? (params.get('to') ?? '') : '',
    minIdleDays: has('minIdleDays') ? (params.get('minIdleDays') ?? '') : '',
    sort: params.get('sort') ?? '',
    asOf: config.asOf ? filters.asOf : '',
    page,
    pageSize,
  };
  const path = accountPath(account.accountId, `/reports/${config.report}`);
  const report = useQuery({
    queryKey: ['report', config.report, request],
    queryFn: ({ signal }) => getJson<TableBodyOf<N>>(path, request, signal),
    enabled: filters.ready && filters.product !== '',
    placeholderData: keepPreviousData,
  });
  const body = report.data;
  const set = (changes: Record<string, string | null>) => update({ ...changes, page: null });
  const filtered = FILTER_PARAMS.some((name) => params.has(name));

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">{config.title}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <ProductPicker models={config.models} value={filters.product} onChange={(product) => set({ product })} />
        {has('q') && <SearchBox value={request.q} hint={config.searchHint} onChange={(q) => set({ q })} />}
        {has('minIdleDays') && (
          <SearchBox
            label="Idle at least (days)"
            type="number"
            value={request.minIdleDays}
            hint="0"
            onChange={(minIdleDays) => set({ minIdleDays })}
          />
        )}
        {has('organization') && <ScopePicker label="Organization" value={filters.orgId} onChange={(orgId) => set({ orgId })} />}
        {has('licenseSource') && <LicenseSourcePicker value={request.licenseSource} onChange={(licenseSource) => set({ licenseSource })} />}
        {has('status') && <StatusPicker value={request.status} onChange={(status) => set({ status })} />}
        {has('started') && <DateRange optional from={request.from} to={request.to} onChange={(changes) => set(changes as Record<string, string>)} />}
        {config.asOf && <AsOfPicker value={request.asOf} onChange={(asOf) => set({ asOf })} />}
        <button type="button" onClick={() => update(Object.fromEntries(FILTER_PARAMS.map((name) => [name, null])))} disabled={!filtered}>
          Reset Filters
        </button>
      </form>
      <div className="toolbar">
        <ExportButton path={path} params={request} filename={`${config.report}-${filters.product}.csv`} />
        <PageSizePicker value={pageSize} onChange={(size) => update({ pageSize: size === 50 ? null : String(size), page: null })} />
        {body && !report.isPlaceholderData && (
          <span className="stamp" data-testid="stamp">
            {request.asOf !== '' ? (
              <>
                Replayed as of <strong>{formatInstant(request.asOf, account.timezone)}</strong> ({account.timezone}) ·{' '}
              </>
            ) : null}
            {formatNumber(body.total)} rows · position {body.asOfPosition ?? '—'} · times in {account.timezone}
          </span>
        )}
      </div>
      {report.isPending && filters.ready && <Loading what="the report" />}
      {report.isError && <ProblemMessage error={report.error} />}
      {body && body.total === 0 && <Empty>{filtered ? 'No row matches these filters.' : 'No rows yet.'}</Empty>}
      {body && body.total > 0 && (
        <div className={report.isFetching ? 'report refreshing' : 'report'} aria-busy={report.isFetching}>
          <DataTable
            rows={body.rows}
            columns={config.columns}
            sort={request.sort}
            onSort={(sort) => update({ sort, page: null })}
            page={body.page}
            pageSize={body.pageSize}
            total={body.total}
            onPage={(p) => update({ page: p === 1 ? null : String(p) })}
            caption={`${config.title}, ${filters.product}`}
            rowKey={config.rowKey}
            testId="report-table"
          />
        </div>
      )}
      {children}
    </section>
  );
}

/** Search (or another typed filter) as you type: applied after a pause, without a history step per key. */
export function SearchBox({
  value,
  hint,
  onChange,
  label = 'Search',
  type = 'search',
}: {
  value: string;
  hint: string;
  onChange: (q: string | null) => void;
  label?: string;
  type?: 'search' | 'number';
}) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text === '' ? null : text), 350);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        min={type === 'number' ? 0 : undefined}
        value={text}
        placeholder={hint}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onChange(text === '' ? null : text);
        }}
      />
    </div>
  );
}

function LicenseSourcePicker({ value, onChange }: { value: string; onChange: (source: string | null) => void }) {
  const id = useId();
  const account = useAccountDirectory();
  return (
    <div className="field">
      <label htmlFor={id}>License source</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">Any</option>
        <option value="account">Account</option>
        {account.organizations.map((org) => (
          <option key={org.orgId} value={org.orgId}>
            {org.path}
          </option>
        ))}
      </select>
    </div>
  );
}

function StatusPicker({ value, onChange }: { value: string; onChange: (status: string | null) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Status</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">Any</option>
        <option value="active">active</option>
        <option value="ended">ended</option>
        <option value="expired">expired</option>
      </select>
    </div>
  );
}

function PageSizePicker({ value, onChange }: { value: number; onChange: (size: number) => void }) {
  const id = useId();
  return (
    <span className="inline">
      <label htmlFor={id}>Rows per page</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {PAGE_SIZES.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </select>
    </span>
  );
}

/** An instant cell in the account's zone. */
export function instantCell(zone: string) {
  return (iso: string | null) => (iso ? <time dateTime={iso}>{formatInstant(iso, zone)}</time> : <span className="muted">—</span>);
}
