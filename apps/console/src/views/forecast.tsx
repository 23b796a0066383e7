import { useId, useMemo } from 'react';
import type { ForecastBody, LicenseModel } from '@contracts';
import { accountPath } from '../api/account';
import { NumberField, useCapacitySeries, useDraft, WindowFigures } from '../components/capacity';
import { ProductPicker, ScopePicker, useReportFilters } from '../components/controls';
import { BucketExplainPanel, EXPLAIN_CLOSED, useBucketExplain, type ExplainableMetric } from '../components/BucketExplain';
import type { ChartMetric, ChartSeries } from '../components/SeriesChart';
import { SeriesFigures } from '../components/SeriesReportView';
import { formatNumber, localWallTime } from '../format/format';

const MODELS: readonly LicenseModel[] = ['seat', 'session', 'aut'];

/** What is forecast for a product of each license model (SPEC §8.4). */
const METRIC_OF: Readonly<Record<LicenseModel, { readonly key: string; readonly label: string; readonly counted: string }>> = {
  seat: { key: 'assigned', label: 'Assigned', counted: 'the seats held at its latest record' },
  session: { key: 'peakUsage', label: 'Peak Usage', counted: 'the sessions open at the earliest instant of its peak' },
  aut: { key: 'peakActiveApplications', label: 'Peak Active Applications', counted: 'the applications active at the earliest instant of its peak' },
};

/**
 * SPEC §8.4 — Forecast: the past weeks' (months') assigned seats or peak usage, the least-squares line
 * through them projected ahead, and when it would reach the scope's dedicated quantity.
 */
export default function ForecastView() {
  const filters = useReportFilters(MODELS, { range: false });
  const { account, params, update } = filters;
  const intervalId = useId();
  const toId = useId();
  const model = account.products.find((p) => p.product === filters.product)?.model ?? 'seat';
  const metric = METRIC_OF[model];
  const interval = params.get('interval') === 'month' ? 'month' : 'week';
  const applied = { history: params.get('history') ?? '', horizon: params.get('horizon') ?? '' };
  const [draft, setDraft] = useDraft(applied);
  const request = { product: filters.product, orgId: filters.orgId, metric: metric.key, interval, to: params.get('to') ?? '', ...applied };
  const report = useCapacitySeries<ForecastBody>('forecast', request, filters.ready && filters.product !== '');
  const body = report.data;
  const metrics: (ChartMetric & ExplainableMetric)[] = useMemo(
    () => [
      { key: 'value', label: metric.label, style: 'bar', description: `A past bucket’s ${metric.key}: ${metric.counted}.` },
      {
        key: 'projected',
        label: `${metric.label} (projected)`,
        style: 'line',
        description: 'The least-squares line through the past buckets’ values (x = 0 the oldest), at this bucket’s x.',
      },
    ],
    [metric],
  );
  const chartMetrics: ChartMetric[] = useMemo(() => [...metrics, { key: 'dedicated', label: 'Dedicated', style: 'step' }], [metrics]);
  const series: ChartSeries[] = useMemo(
    () => (body ? [{ name: null, buckets: (body.buckets ?? []).map((b) => ({ ...b, dedicated: body.dedicated })) }] : []),
    [body],
  );
  const explain = useBucketExplain(series, metrics);
  const productName = account.products.find((p) => p.product === filters.product)?.name ?? filters.product;
  const scopeName = filters.orgId === '' ? 'Account' : (account.organizations.find((o) => o.orgId === filters.orgId)?.path ?? filters.orgId);

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Forecast</h1>
      <form
        className="filters"
        aria-label="Report filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ history: draft.history.trim(), horizon: draft.horizon.trim(), ...EXPLAIN_CLOSED });
        }}
      >
        <ProductPicker models={MODELS} value={filters.product} onChange={(product) => update({ product, ...EXPLAIN_CLOSED })} />
        <ScopePicker value={filters.orgId} onChange={(orgId) => update({ orgId, ...EXPLAIN_CLOSED })} />
        <div className="field">
          <span className="label">Metric</span>
          <output data-testid="metric">{metric.key}</output>
        </div>
        <div className="field">
          <label htmlFor={intervalId}>Interval</label>
          <select id={intervalId} value={interval} onChange={(e) => update({ interval: e.target.value, ...EXPLAIN_CLOSED })}>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={toId}>
            Up to <small>({account.timezone})</small>
          </label>
          <input id={toId} type="date" value={params.get('to') ?? ''} onChange={(e) => update({ to: e.target.value, ...EXPLAIN_CLOSED })} />
        </div>
        <NumberField label="History (buckets)" value={draft.history} min={1} placeholder="12" onChange={(history) => setDraft({ history })} />
        <NumberField label="Horizon (buckets)" value={draft.horizon} min={1} placeholder="6" onChange={(horizon) => setDraft({ horizon })} />
        <button type="submit">Apply</button>
      </form>
      {body && !report.isPlaceholderData && (
        <WindowFigures
          label="The trend"
          figures={[
            { field: 'slope', label: `Slope per ${body.interval}`, value: formatNumber(body.slope) },
            { field: 'dedicated', label: 'Dedicated now', value: formatNumber(body.dedicated) },
            {
              field: 'exhaustedAt',
              label: 'Runs out',
              value:
                body.exhaustedAt === null ? (
                  <span className="muted">
                    not within {body.horizon} {body.interval}s
                  </span>
                ) : (
                  <>
                    {localWallTime(body.exhaustedAt).slice(0, 10)}{' '}
                    <small>
                      ({body.interval} starting, {body.timezone})
                    </small>
                  </>
                ),
            },
          ]}
        />
      )}
      <SeriesFigures
        report={report}
        ready={filters.ready}
        series={series}
        metrics={metrics}
        chartMetrics={chartMetrics}
        caption={`Forecast of ${metric.key}: ${productName}, ${scopeName}, by ${interval}`}
        exportLink={{ path: accountPath(account.accountId, '/reports/forecast'), params: request, filename: `forecast-${filters.product}.csv` }}
        onSelect={explain.onSelect}
        onExplain={explain.onExplain}
      />
      {body && (
        <BucketExplainPanel
          report="forecast"
          // The forecast's own metric follows from the product; `metric` here is the figure explained.
          params={{ product: request.product, orgId: request.orgId, interval, to: request.to, ...applied }}
          metrics={metrics}
          productName={productName}
          scopeName={scopeName}
        />
      )}
    </section>
  );
}
