import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import type { AlertKind, AlertsBody, AlertView } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { ALERT_KINDS, alertValue, ruleSummary } from '../components/alert-parts';
import { DataTable, type TableColumn } from '../components/DataTable';
import { ExplainPanel } from '../components/ExplainPanel';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { formatInstant, formatNumber } from '../format/format';

const STATUSES = [
  ['', 'All'],
  ['open', 'Open'],
  ['cleared', 'Past'],
] as const;
const PAGE_SIZE = 50;

/**
 * Alerts (SPEC §9), newest first: open and past, with their value, when they were raised and cleared
 * (in business time, in the account's zone), and their evidence — the log positions behind the value.
 * Explain opens the alert like a report figure: how it reads, and every evidence event, each linking
 * to the event log. Status, kind, product and page are in the URL; the open explanation too.
 */
export default function AlertsView() {
  const account = useAccountDirectory();
  const [params, update] = useViewParams();
  const zone = account.timezone;
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  const product = params.get('product') ?? '';
  const filtered = kind !== '' || product !== '';
  const page = Number(params.get('page') ?? '1') || 1;
  const kindId = useId();
  const productId = useId();
  const alerts = useQuery({
    queryKey: ['alerts', account.accountId, status, kind, product, page],
    queryFn: ({ signal }) =>
      getJson<AlertsBody>(accountPath(account.accountId, '/alerts'), { status, kind, product, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const explained = params.get('explain');
  const explainedAlert = alerts.data?.alerts.find((a) => a.alertId === explained);
  const columns: TableColumn<AlertView>[] = [
    { key: 'raisedAt', header: `Raised (${zone})`, cell: (a) => <time dateTime={a.raisedAt}>{formatInstant(a.raisedAt, zone)}</time> },
    { key: 'status', header: 'Status', cell: (a) => <span className={a.status === 'open' ? 'badge down' : 'badge'}>{a.status}</span> },
    { key: 'ruleId', header: 'Rule', cell: (a) => <span title={ruleSummary(a, account)}>{a.ruleId}</span> },
    { key: 'kind', header: 'Kind', cell: (a) => ALERT_KINDS[a.kind].label },
    { key: 'product', header: 'Product' },
    { key: 'value', header: 'Value', numeric: true, cell: (a) => alertValue(a.kind, a.value) },
    {
      key: 'clearedAt',
      header: `Cleared (${zone})`,
      cell: (a) =>
        a.clearedAt === null ? (
          <span className="muted">—</span>
        ) : (
          <>
            <time dateTime={a.clearedAt}>{formatInstant(a.clearedAt, zone)}</time> <small className="muted">{a.clearedReason}</small>
          </>
        ),
    },
    { key: 'evidence', header: 'Evidence (positions)', cell: (a) => <span className="position">{a.evidence.join(', ')}</span> },
    {
      key: 'alertId',
      header: '',
      cell: (a) => (
        <button type="button" className="link" onClick={() => update({ explain: a.alertId })} aria-label={`Explain alert ${a.alertId} (${a.ruleId})`}>
          Explain
        </button>
      ),
    },
  ];

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Alerts</h1>
      <form className="filters" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={kindId}>Kind</label>
          <select id={kindId} value={kind} onChange={(e) => update({ kind: e.target.value, page: null, explain: null })}>
            <option value="">All kinds</option>
            {(Object.entries(ALERT_KINDS) as [AlertKind, (typeof ALERT_KINDS)[AlertKind]][]).map(([value, about]) => (
              <option key={value} value={value}>
                {about.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={productId}>Product</label>
          <select id={productId} value={product} onChange={(e) => update({ product: e.target.value, page: null, explain: null })}>
            <option value="">All products</option>
            {account.products.map((p) => (
              <option key={p.product} value={p.product}>
                {p.name} ({p.product})
              </option>
            ))}
          </select>
        </div>
        <button type="button" disabled={!filtered} onClick={() => update({ kind: null, product: null, page: null, explain: null })}>
          Reset Filters
        </button>
      </form>
      <div className="toolbar">
        <div role="group" aria-label="Status">
          {STATUSES.map(([value, label]) => (
            <button key={value} type="button" aria-pressed={status === value} onClick={() => update({ status: value, page: null })}>
              {label}
            </button>
          ))}
        </div>
        {alerts.data && (
          <p className="stamp" data-testid="stamp">
            Up to position {alerts.data.asOfPosition ?? '—'} · times in {zone}
          </p>
        )}
      </div>
      {alerts.isPending && <Loading what="the alerts" />}
      {alerts.isError && <ProblemMessage error={alerts.error} />}
      {alerts.data && alerts.data.total === 0 && (
        <Empty>
          {filtered
            ? 'No alert of this kind or product.'
            : status === 'open'
              ? 'No open alert.'
              : status === 'cleared'
                ? 'No past alert.'
                : 'No alert yet: none of the rules has fired.'}
        </Empty>
      )}
      {alerts.data && alerts.data.total > 0 && (
        <DataTable
          rows={alerts.data.alerts}
          columns={columns}
          sort=""
          onSort={() => undefined}
          page={alerts.data.page}
          pageSize={alerts.data.pageSize}
          total={alerts.data.total}
          onPage={(p) => update({ page: p === 1 ? null : p })}
          caption="Alerts"
          rowKey={(a) => a.alertId}
          testId="alerts"
        />
      )}
      {explained && (
        <ExplainPanel
          timezone={zone}
          target={{
            path: accountPath(account.accountId, `/alerts/${encodeURIComponent(explained)}/explain`),
            params: {},
            metric: 'value',
            metrics: [
              {
                key: 'value',
                label: 'Alert value',
                description: explainedAlert ? `${ALERT_KINDS[explainedAlert.kind].value}.` : 'What the rule watched when the alert was raised.',
              },
            ],
            title: explainedAlert
              ? `${explained}: ${ruleSummary(explainedAlert, account)}, raised ${formatInstant(explainedAlert.raisedAt, zone)} (${formatNumber(explainedAlert.evidence.length)} evidence events)`
              : explained,
          }}
          onMetric={() => undefined}
          onClose={() => update({ explain: null })}
        />
      )}
    </section>
  );
}
