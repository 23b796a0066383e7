import { useMemo } from 'react';
import type { DenialsBody, LicenseModel } from '@contracts';
import { accountPath } from '../api/account';
import { NumberField, useCapacitySeries, useDraft } from '../components/capacity';
import { DateRange, IntervalPicker, ProductPicker, ScopePicker, useReportFilters } from '../components/controls';
import type { ChartMetric, ChartSeries } from '../components/SeriesChart';
import { SeriesFigures } from '../components/SeriesReportView';

const MODELS: readonly LicenseModel[] = ['session', 'aut'];

const METRICS: readonly ChartMetric[] = [
  { key: 'attempts', label: 'Attempts', style: 'bar' },
  { key: 'uniqueUsers', label: 'Unique users', style: 'bar' },
  { key: 'trueDenials', label: 'True denials', style: 'bar' },
  { key: 'unmetUsers', label: 'Unmet users', style: 'line' },
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
        <ProductPicker models={MODELS} value={filters.product} onChange={(product) => update({ product })} />
        <ScopePicker value={filters.orgId} onChange={(orgId) => update({ orgId })} />
        <DateRange from={filters.from} to={filters.to} onChange={update} />
        <IntervalPicker value={filters.interval} onChange={(interval) => update({ interval })} />
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
      />
    </section>
  );
}
