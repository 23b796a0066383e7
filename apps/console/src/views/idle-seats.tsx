import { useEffect, useId, useMemo, useState } from 'react';
import type { LicenseModel, ReclaimBacktestBody } from '@contracts';
import { accountPath } from '../api/account';
import { useAccountDirectory } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { useCapacitySeries, WindowFigures } from '../components/capacity';
import { DateRange, IntervalPicker } from '../components/controls';
import { BucketExplainPanel, EXPLAIN_CLOSED, useBucketExplain, type ExplainableMetric } from '../components/BucketExplain';
import type { ChartMetric, ChartSeries } from '../components/SeriesChart';
import { SeriesFigures } from '../components/SeriesReportView';
import { instantCell, TableReportView, type TableViewConfig } from '../components/TableReportView';
import { addDays, formatNumber, todayIn } from '../format/format';

const MODELS: readonly LicenseModel[] = ['seat'];
const DEFAULT_IDLE_DAYS = 30;

/** SPEC §8.2 — Idle seats: every current seat with its last active use and idle days; below, the reclaim back-test. */
export default function IdleSeatsView() {
  const { timezone } = useAccountDirectory();
  const instant = instantCell(timezone);
  const config: TableViewConfig<'idle-seats'> = {
    report: 'idle-seats',
    title: 'Idle Seats',
    models: MODELS,
    filters: ['q', 'organization', 'licenseSource', 'minIdleDays'],
    searchHint: 'Name or email',
    asOf: true,
    rowKey: (row) => row.userId,
    columns: [
      { key: 'user', header: 'User', sortable: true },
      { key: 'userId', header: 'User ID', sortable: true },
      { key: 'email', header: 'Email', sortable: true },
      { key: 'organization', header: 'Organization', sortable: true },
      { key: 'licenseSource', header: 'License Source', sortable: true },
      { key: 'assignedAt', header: 'Assigned At', sortable: true, cell: (row) => instant(row.assignedAt) },
      { key: 'activated', header: 'Activated', sortable: true, cell: (row) => (row.activated ? 'Yes' : 'No') },
      { key: 'lastActiveUse', header: 'Last Active Use', sortable: true, cell: (row) => instant(row.lastActiveUse) },
      { key: 'idleDays', header: 'Idle Days', sortable: true, numeric: true },
    ],
  };
  return (
    <TableReportView config={config}>
      <ReclaimBacktest />
    </TableReportView>
  );
}

const METRICS: readonly (ChartMetric & ExplainableMetric)[] = [
  {
    key: 'assigned',
    label: 'Assigned under the policy',
    style: 'step',
    description:
      'Seats of the scope held at the bucket’s latest record when every seat idle for N days is reclaimed and returned at its user’s next activity.',
  },
  {
    key: 'assignedActual',
    label: 'Assigned in reality',
    style: 'step',
    description: 'Seats of the scope held at the bucket’s latest record, as it happened.',
  },
];

/**
 * "What would N days save": the reclaim back-test (SPEC §8.2b) of the table's product and
 * organization over a window of its own (`windowFrom`, `windowTo`, `windowInterval` in the URL,
 * default the last 90 days by week), with N on a slider.
 */
function ReclaimBacktest() {
  const account = useAccountDirectory();
  const [params, update] = useViewParams();
  const headingId = useId();
  const sliderId = useId();
  const numberId = useId();
  const today = todayIn(account.timezone);
  const to = params.get('windowTo') ?? today;
  const from = params.get('windowFrom') ?? addDays(to, -89);
  const interval = params.get('windowInterval') ?? 'week';
  const idleDays = Number(params.get('idleDays') ?? DEFAULT_IDLE_DAYS) || DEFAULT_IDLE_DAYS;
  const [days, setDays] = useState(idleDays);
  useEffect(() => setDays(idleDays), [idleDays]);
  useEffect(() => {
    if (days === idleDays || days < 1) return;
    // Applied after a pause: dragging the slider asks for one back-test, not one per step.
    const timer = setTimeout(() => update({ idleDays: days === DEFAULT_IDLE_DAYS ? null : days, ...EXPLAIN_CLOSED }), 300);
    return () => clearTimeout(timer);
  }, [days, idleDays, update]);

  const product = params.get('product') ?? '';
  const orgId = params.get('orgId') ?? '';
  const request = { product, orgId, from, to, interval, idleDays };
  const report = useCapacitySeries<ReclaimBacktestBody>('reclaim-backtest', request, product !== '');
  const body = report.data;
  const series: ChartSeries[] = useMemo(() => (body ? [{ name: null, buckets: body.buckets ?? [] }] : []), [body]);
  const explain = useBucketExplain(series, METRICS);

  return (
    <section className="view" aria-labelledby={headingId}>
      <h2 id={headingId}>What would {idleDays} days save?</h2>
      <p className="hint">
        Replays the seats' history as if every seat idle for N days (no activity for the product) had been taken back, and counts who came back.
      </p>
      <form className="filters" aria-label="Back-test" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={sliderId}>Reclaim after N idle days</label>
          <span className="inline">
            <input id={sliderId} type="range" min={1} max={180} value={days} onChange={(e) => setDays(Number(e.target.value))} />
            <input
              id={numberId}
              type="number"
              min={1}
              step={1}
              value={days}
              aria-label="Idle days"
              style={{ width: '6em' }}
              onChange={(e) => setDays(Number(e.target.value))}
            />
          </span>
        </div>
        <DateRange
          from={from}
          to={to}
          onChange={(changes) =>
            update({
              ...(changes.from !== undefined ? { windowFrom: changes.from } : {}),
              ...(changes.to !== undefined ? { windowTo: changes.to } : {}),
              ...EXPLAIN_CLOSED,
            })
          }
        />
        <IntervalPicker value={interval} onChange={(windowInterval) => update({ windowInterval, ...EXPLAIN_CLOSED })} />
      </form>
      {body && !report.isPlaceholderData && (
        <WindowFigures
          label={`Reclaiming after ${body.idleDays} idle days`}
          figures={[
            { field: 'reclaimed', label: 'Reclaimed', value: formatNumber(body.reclaimed) },
            { field: 'returnedWithin7Days', label: 'Back within 7 days', value: formatNumber(body.returnedWithin7Days) },
            { field: 'returnedWithin30Days', label: 'Back within 30 days', value: formatNumber(body.returnedWithin30Days) },
            { field: 'neverReturned', label: 'Never back', value: formatNumber(body.neverReturned) },
            {
              field: 'peakAssigned',
              label: 'Peak assigned',
              value: (
                <>
                  {formatNumber(body.peakAssigned)} <small>vs {formatNumber(body.peakAssignedActual)} in reality</small>
                </>
              ),
            },
          ]}
        />
      )}
      <SeriesFigures
        report={report}
        ready={product !== ''}
        series={series}
        metrics={METRICS}
        caption={`Reclaim back-test after ${idleDays} idle days: ${product}, ${from} to ${to} by ${interval}`}
        exportLink={{
          path: accountPath(account.accountId, '/reports/reclaim-backtest'),
          params: request,
          filename: `reclaim-backtest-${product}-${idleDays}d-${from}-${to}.csv`,
        }}
        onSelect={explain.onSelect}
        onExplain={explain.onExplain}
      />
      {body && (
        <BucketExplainPanel
          report="reclaim-backtest"
          params={request}
          metrics={METRICS}
          productName={product}
          scopeName={orgId === '' ? 'Account' : (account.organizations.find((o) => o.orgId === orgId)?.path ?? orgId)}
        />
      )}
    </section>
  );
}
