import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { LicenseModel, MetricOf, SeriesBody, SeriesBodyOf, SeriesReportName } from '@contracts';
import { accountPath } from '../api/account';
import type { Params } from '../api/client';
import { pick, useViewParams } from '../app/url-state';
import { seriesQuery, type SeriesRequest } from '../api/reports';
import { formatInstant } from '../format/format';
import { AsOfPicker, DateRange, IntervalPicker, ProductPicker, ScopePicker, useReportFilters } from './controls';
import { BucketExplainPanel, useBucketExplain, type ExplainableMetric } from './BucketExplain';
import { ExportButton } from './ExportButton';
import { Empty, Loading, ProblemMessage } from './feedback';
import { MetricTable } from './MetricTable';
import type { ChartMetric, ChartSeries } from './SeriesChart';
import { useOnDemand } from '../app/on-demand';
import { chartModule } from './chart-module';

// The chart library is a chunk of its own: its download starts with this module (if the page did not start it), beside the report's.
void chartModule.load();

export interface MetricDefinition {
  /** What the chart's legend and tooltip call it. */
  readonly label: string;
  /** How the number is made (SPEC §4), shown with its explanation. */
  readonly description: string;
  readonly style: ChartMetric['style'];
}

/** One bucket-series report of SPEC §4 as a view. */
export interface SeriesViewConfig<N extends SeriesReportName> {
  readonly report: N;
  readonly title: string;
  readonly models: readonly LicenseModel[];
  /** Every metric of the report (the type requires them all), in the order shown. */
  readonly metrics: { readonly [K in MetricOf<N>]: MetricDefinition };
  /** The report answers `asOf` (replayed from the events). */
  readonly asOf?: boolean;
  /** The report answers `groupBy=org`. */
  readonly groupBy?: boolean;
  /** A view that answers a question about the same figures, linked with the same product, scope and window. */
  readonly related?: { readonly path: string; readonly label: string };
}

/**
 * A bucket-series report: product, scope, dates in the account's zone, interval (and as-of or
 * group-by where the report takes them), as a chart with tooltips and zoom or as a table; clicking a
 * point or a figure explains it. All of it lives in the URL.
 */
export function SeriesReportView<N extends SeriesReportName>({ config }: { config: SeriesViewConfig<N> }) {
  const filters = useReportFilters(config.models);
  const { account, params, update } = filters;
  const groupBy = config.groupBy && params.get('groupBy') === 'org' ? 'org' : '';
  const asOf = config.asOf ? filters.asOf : '';
  const request: SeriesRequest = {
    product: filters.product,
    orgId: filters.orgId,
    from: filters.from,
    to: filters.to,
    interval: filters.interval,
    groupBy,
    asOf,
  };
  const path = accountPath(account.accountId, `/reports/${config.report}`);
  const report = useQuery({
    ...seriesQuery<SeriesBodyOf<N>>(account.accountId, config.report, request),
    enabled: filters.ready && filters.product !== '',
    placeholderData: keepPreviousData,
  });
  const metrics: ChartMetric[] = useMemo(
    () => (Object.entries(config.metrics) as [string, MetricDefinition][]).map(([key, m]) => ({ key, label: m.label, style: m.style })),
    [config.metrics],
  );
  const body = report.data;
  const series: ChartSeries[] = useMemo(() => {
    if (!body) return [];
    if (body.series) return body.series.map((s) => ({ name: s.name, buckets: s.buckets }));
    return [{ name: null, buckets: body.buckets ?? [] }];
  }, [body]);
  const explainMetrics: ExplainableMetric[] = useMemo(
    () => (Object.entries(config.metrics) as [string, MetricDefinition][]).map(([key, m]) => ({ key, label: m.label, description: m.description })),
    [config.metrics],
  );
  const explain = useBucketExplain(series, explainMetrics);
  const explainable = asOf === '';
  const openExplain = (index: number, metric: string | null, seriesName: string | null) => {
    if (!explainable) return;
    const orgOfSeries = seriesName === null ? null : (body?.series?.find((s) => s.name === seriesName)?.orgId ?? null);
    explain.open(index, metric, orgOfSeries);
  };
  const productName = account.products.find((p) => p.product === filters.product)?.name ?? filters.product;
  const scopeName = filters.orgId === '' ? 'Account' : (account.organizations.find((o) => o.orgId === filters.orgId)?.path ?? filters.orgId);
  const caption = `${config.title}: ${productName}, ${scopeName}, ${filters.from} to ${filters.to} by ${filters.interval}`;

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">{config.title}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Report filters">
        <ProductPicker models={config.models} value={filters.product} onChange={(product) => update({ product, explain: null, bucket: null })} />
        <ScopePicker value={filters.orgId} onChange={(orgId) => update({ orgId, explain: null, bucket: null })} />
        <DateRange from={filters.from} to={filters.to} onChange={(changes) => update({ ...changes, explain: null, bucket: null })} />
        <IntervalPicker value={filters.interval} onChange={(interval) => update({ interval, explain: null, bucket: null })} />
        {config.groupBy && (
          <label className="check">
            <input
              type="checkbox"
              checked={groupBy === 'org'}
              onChange={(e) => update({ groupBy: e.target.checked ? 'org' : null, explain: null, bucket: null })}
            />{' '}
            One series per child organization
          </label>
        )}
        {config.asOf && <AsOfPicker value={asOf} onChange={(value) => update({ asOf: value, explain: null, bucket: null })} />}
      </form>
      <SeriesFigures
        report={report}
        ready={filters.ready}
        series={series}
        metrics={metrics}
        caption={caption}
        exportLink={{ path, params: request, filename: `${config.report}-${filters.product}-${filters.from}-${filters.to}.csv` }}
        stampPrefix={
          asOf !== '' ? (
            <>
              Replayed as of <strong>{formatInstant(asOf, account.timezone)}</strong> ({account.timezone}) ·{' '}
            </>
          ) : null
        }
        onSelect={openExplain}
        onExplain={explainable ? (index, metric) => openExplain(index, metric, null) : undefined}
        hint={explainable ? null : 'Figures replayed as of an instant are not explained: clear “as of” to explain a figure.'}
      >
        {config.related && (
          <Link href={`${config.related.path}?${new URLSearchParams(pick(params, ['product', 'orgId', 'from', 'to', 'interval']))}`}>
            {config.related.label}
          </Link>
        )}
      </SeriesFigures>
      {body && explainable && (
        <BucketExplainPanel
          report={config.report}
          params={{ product: filters.product, orgId: filters.orgId, from: filters.from, to: filters.to, interval: filters.interval }}
          metrics={explainMetrics}
          productName={productName}
          scopeName={scopeName}
        />
      )}
    </section>
  );
}

/**
 * The figures of a bucket-series body: Chart / Table (in the URL's `show`), Export (the API's CSV of
 * the same request), the position stamp, and the loading, error and empty states. `children` go in
 * the toolbar (e.g. a link to a related view).
 */
export function SeriesFigures({
  report,
  ready,
  series,
  metrics,
  chartMetrics = metrics,
  caption,
  exportLink,
  stampPrefix,
  onSelect,
  onExplain,
  hint,
  children,
}: {
  report: UseQueryResult<SeriesBody<object>>;
  /** The view's parameters are complete (the query may run). */
  ready: boolean;
  series: readonly ChartSeries[];
  metrics: readonly ChartMetric[];
  /** The metrics the chart draws, when not all of the table's (e.g. seconds beside counts). */
  chartMetrics?: readonly ChartMetric[];
  caption: string;
  exportLink: { readonly path: string; readonly params: Params; readonly filename: string };
  stampPrefix?: ReactNode;
  onSelect?: (index: number, metric: string | null, seriesName: string | null) => void;
  onExplain?: (index: number, metric: string) => void;
  hint?: string | null;
  children?: ReactNode;
}) {
  const [params, update] = useViewParams();
  const showTable = params.get('show') === 'table';
  const chart = useOnDemand(chartModule);
  const body = report.data;
  return (
    <>
      <div className="toolbar">
        <div role="group" aria-label="Show as">
          <button type="button" aria-pressed={!showTable} onClick={() => update({ show: null })}>
            Chart
          </button>
          <button type="button" aria-pressed={showTable} onClick={() => update({ show: 'table' })}>
            Table
          </button>
        </div>
        <ExportButton path={exportLink.path} params={exportLink.params} filename={exportLink.filename} />
        {children}
        {body && !report.isPlaceholderData && (
          <span className="stamp" data-testid="stamp">
            {stampPrefix}position {body.asOfPosition ?? '—'}
          </span>
        )}
      </div>
      {report.isPending && ready && <Loading what="the report" />}
      {report.isError && <ProblemMessage error={report.error} />}
      {body && series.every((s) => s.buckets.length === 0) && <Empty>No bucket in this range: it starts after now.</Empty>}
      {body && series.some((s) => s.buckets.length > 0) && (
        <div className={report.isFetching ? 'report refreshing' : 'report'} aria-busy={report.isFetching}>
          {showTable ? (
            <MetricTable
              series={series}
              metrics={metrics}
              interval={body.interval}
              timezone={body.timezone}
              caption={caption}
              onExplain={onExplain}
            />
          ) : chart.value ? (
            <chart.value.SeriesChart
              series={series}
              metrics={chartMetrics}
              interval={body.interval}
              timezone={body.timezone}
              label={caption}
              onSelect={onSelect}
            />
          ) : chart.error !== undefined ? (
            <ProblemMessage error={chart.error} />
          ) : (
            <Loading what="the chart" />
          )}
          {hint && <p className="hint">{hint}</p>}
        </div>
      )}
    </>
  );
}
