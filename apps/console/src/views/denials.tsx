import { useMemo } from 'react';
import type { DenialsBody, LicenseModel } from '@contracts';
import { accountPath } from '../api/account';
import { NumberField, useCapacitySeries, useDraft } from '../components/capacity';
import { DateRange, IntervalPicker, ProductPicker, ScopePicker, useReportFilters } from '../components/controls';
import { BucketExplainPanel, EXPLAIN_CLOSED, useBucketExplain, type ExplainableMetric } from '../components/BucketExplain';
import type { ChartMetric, ChartSeries } from '../components/SeriesChart';
import { SeriesFigures } from '../components/SeriesReportView';

const MODELS: readonly LicenseModel[] = ['session', 'aut'];

const METRICS: readonly (ChartMetric & ExplainableMetric)[] = [
  {
    key: 'attempts',
    label: 'Attempts',
    style: 'bar',
    description: 'Attempts denied for capacity in the bucket, by the attempt’s time (Session License Usage’s Denied).',
  },
  { key: 'uniqueUsers', label: 'Unique users', style: 'bar', description: 'The distinct users (TrueTest: applications) behind those attempts.' },
  {
    key: 'trueDenials',
    label: 'True denials',
    style: 'bar',
    description:
      'Counted denials in the bucket: an attempt within the retry window after the same user’s previous counted denial is a retry of it, not counted.',
  },
  {
    key: 'unmetUsers',
    label: 'Unmet users',
    style: 'line',
    description:
      'Users whose last denial in the bucket, at t, is followed by no accepted session of theirs for the product starting in (t, t + retry window].',
  },
];

/**
 * SPEC §8.3 — Denials as demand: every denied attempt, the distinct users behind them, the true
 * denials (retries within the retry window folded into one) and the users who never got a session.
 */
export default function DenialsView() {
  const filters = useReportFilters(MODELS);
  const { account, params, update } = filters;
  const applied = { retryWindow: params.get('retryWindow') ?? '' };
  const [draft, setDraft] = useDraft(applied);
  const request = { product: filters.product, orgId: filters.orgId, from: filters.from, to: filters.to, interval: filters.interval, ...applied };
  const report = useCapacitySeries<DenialsBody>('denials', request, filters.ready && filters.product !== '');
  const body = report.data;
  const series: ChartSeries[] = useMemo(() => (body ? [{ name: null, buckets: body.buckets ?? [] }] : []), [body]);
  const explain = useBucketExplain(series, METRICS);
  const productName = account.products.find((p) => p.product === filters.product)?.name ?? filters.product;
  const scopeName = filters.orgId === '' ? 'Account' : (account.organizations.find((o) => o.orgId === filters.orgId)?.path ?? filters.orgId);

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Denials</h1>
      <form
        className="filters"
        aria-label="Report filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ retryWindow: draft.retryWindow.trim() });
        }}
      >
        <ProductPicker models={MODELS} value={filters.product} onChange={(product) => update({ product, ...EXPLAIN_CLOSED })} />
        <ScopePicker value={filters.orgId} onChange={(orgId) => update({ orgId, ...EXPLAIN_CLOSED })} />
        <DateRange from={filters.from} to={filters.to} onChange={(changes) => update({ ...changes, ...EXPLAIN_CLOSED })} />
        <IntervalPicker value={filters.interval} onChange={(interval) => update({ interval, ...EXPLAIN_CLOSED })} />
        <NumberField
          label="Retry window (s)"
          value={draft.retryWindow}
          placeholder="600"
          onChange={(retryWindow) => setDraft({ retryWindow })}
          hint="An attempt this many seconds or less after the same user's counted denial is a retry of it"
        />
        <button type="submit">Apply</button>
      </form>
      {body && !report.isPlaceholderData && (
        <p className="hint">
          Retries within <strong>{body.retryWindow} s</strong> of a counted denial are folded into it; a user is unmet when no session of theirs
          starts within that time after their last denial in the bucket.
        </p>
      )}
      <SeriesFigures
        report={report}
        ready={filters.ready}
        series={series}
        metrics={METRICS}
        caption={`Denials: ${productName}, ${scopeName}, ${filters.from} to ${filters.to} by ${filters.interval}`}
        exportLink={{
          path: accountPath(account.accountId, '/reports/denials'),
          params: request,
          filename: `denials-${filters.product}-${filters.from}-${filters.to}.csv`,
        }}
        onSelect={explain.onSelect}
        onExplain={explain.onExplain}
      />
      {body && <BucketExplainPanel report="denials" params={request} metrics={METRICS} productName={productName} scopeName={scopeName} />}
    </section>
  );
}
