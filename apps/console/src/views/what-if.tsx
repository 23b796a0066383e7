import { useMemo } from 'react';
import type { LicenseModel, WhatIfBody } from '@contracts';
import { accountPath } from '../api/account';
import { NumberField, useCapacitySeries, useDraft, WindowFigures } from '../components/capacity';
import { DateRange, IntervalPicker, ProductPicker, ScopePicker, useReportFilters } from '../components/controls';
import { BucketExplainPanel, EXPLAIN_CLOSED, useBucketExplain, type ExplainableMetric } from '../components/BucketExplain';
import type { ChartMetric, ChartSeries } from '../components/SeriesChart';
import { SeriesFigures } from '../components/SeriesReportView';
import { formatDuration, formatNumber } from '../format/format';

const MODELS: readonly LicenseModel[] = ['session', 'aut'];
/** Up to this many organizations, their dedication fields are shown unfolded. */
const OPEN_DEDICATIONS_UP_TO = 6;

/** `dedications=qa:2,mobile:1` ⇄ { qa: '2', mobile: '1' }. */
function parseDedications(text: string): Record<string, string> {
  const entries = text
    .split(',')
    .map((pair) => pair.split(':'))
    .filter((pair) => pair.length === 2 && pair[0] !== '');
  return Object.fromEntries(entries.map(([orgId, quantity]) => [orgId!, quantity!]));
}
function formatDedications(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .filter(([, q]) => q.trim() !== '')
    .map(([orgId, q]) => `${orgId}:${q.trim()}`)
    .join(',');
}

/**
 * SPEC §8.1 — What-if: the window's real demand replayed under another account quantity and/or other
 * dedications, beside what happened, with the smallest quantity that would have refused nothing.
 */
export default function WhatIfView() {
  const filters = useReportFilters(MODELS);
  const { account, params, update } = filters;
  const applied = {
    quantity: params.get('quantity') ?? '',
    dedications: params.get('dedications') ?? '',
    deniedDuration: params.get('deniedDuration') ?? '',
  };
  const [draft, setDraft] = useDraft(applied);
  const dedications = parseDedications(draft.dedications);
  const request = { product: filters.product, orgId: filters.orgId, from: filters.from, to: filters.to, interval: filters.interval, ...applied };
  const report = useCapacitySeries<WhatIfBody>('what-if', request, filters.ready && filters.product !== '');
  const body = report.data;

  const aut = account.products.find((p) => p.product === filters.product)?.model === 'aut';
  const capacity = aut ? { key: 'purchased', label: 'Purchased' } : { key: 'availableSessions', label: 'Available Sessions' };
  const peak = aut ? { key: 'peakActiveApplications', label: 'Peak Active Applications' } : { key: 'peakUsage', label: 'Peak Usage' };
  const metrics: (ChartMetric & ExplainableMetric)[] = useMemo(() => {
    const unit = aut ? 'applications' : 'sessions';
    const pairs: [string, string, ChartMetric['style'], string, string][] = [
      [
        capacity.key,
        capacity.label,
        'step',
        `The quantity tried for the scope at the bucket's end (the real one where none is given).`,
        aut ? 'The purchased quantity at the bucket’s latest record.' : 'The scope’s dedicated quantity at the bucket’s latest record.',
      ],
      [
        peak.key,
        peak.label,
        'bar',
        `The most ${unit} of the scope's demand admitted under the hypothesis open at one instant of the bucket.`,
        `The most ${unit} of the scope open at the same instant within the bucket.`,
      ],
      [
        'averagePeak',
        'Average Peak',
        'line',
        'As Average Peak, over the demand admitted under the hypothesis: hour, the peak; day, the mean of its hourly peaks; week, month, the mean of the daily peaks.',
        'Hour: the peak. Day: the mean of its hourly peaks. Week, month: the mean of the daily peaks of its days in the range.',
      ],
      [
        'denied',
        'Denied',
        'bar',
        'Demand of the scope (accepted or denied in reality) that the hypothesis refuses and that starts in the bucket.',
        'Attempts denied for capacity in the bucket, by the attempt’s time.',
      ],
    ];
    return [
      ...pairs.flatMap(([key, label, style, whatIf, actual]) => [
        { key, label: `${label} (what-if)`, style, description: whatIf },
        { key: `actual.${key}`, label: `${label} (actual)`, style, description: `What happened: ${actual}` },
      ]),
      {
        key: 'unmetSeconds',
        label: 'Unmet seconds (what-if)',
        style: 'bar',
        description: 'The seconds of refused demand inside the bucket (a denied attempt lasts the window’s denied-attempt duration).',
      },
    ];
  }, [aut, capacity.key, capacity.label, peak.key, peak.label]);
  // Seconds are on another scale than counts: the table shows them, the chart does not.
  const chartMetrics = useMemo(() => metrics.filter((m) => m.key !== 'unmetSeconds'), [metrics]);
  const series: ChartSeries[] = useMemo(
    () =>
      body
        ? [
            {
              name: null,
              buckets: body.buckets.map((b) => ({ ...b, ...Object.fromEntries(Object.entries(b.actual).map(([k, v]) => [`actual.${k}`, v])) })),
            },
          ]
        : [],
    [body],
  );

  const explain = useBucketExplain(series, metrics);
  const productName = account.products.find((p) => p.product === filters.product)?.name ?? filters.product;
  const scopeName = filters.orgId === '' ? 'Account' : (account.organizations.find((o) => o.orgId === filters.orgId)?.path ?? filters.orgId);
  const caption = `What-if: ${productName}, ${scopeName}, ${filters.from} to ${filters.to} by ${filters.interval}`;
  const recommended = (q: number | null) =>
    q === null ? (
      <span className="muted">
        none <small>(no account quantity achieves it)</small>
      </span>
    ) : (
      formatNumber(q)
    );
  const apply = () =>
    update({ quantity: draft.quantity.trim(), dedications: formatDedications(dedications), deniedDuration: draft.deniedDuration.trim() });

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">What-if</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Report filters">
        <ProductPicker models={MODELS} value={filters.product} onChange={(product) => update({ product, ...EXPLAIN_CLOSED })} />
        <ScopePicker value={filters.orgId} onChange={(orgId) => update({ orgId, ...EXPLAIN_CLOSED })} />
        <DateRange from={filters.from} to={filters.to} onChange={(changes) => update({ ...changes, ...EXPLAIN_CLOSED })} />
        <IntervalPicker value={filters.interval} onChange={(interval) => update({ interval, ...EXPLAIN_CLOSED })} />
      </form>
      <form
        className="filters"
        aria-label="Hypothesis"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <NumberField
          label="Account quantity"
          value={draft.quantity}
          placeholder="real"
          onChange={(quantity) => setDraft({ quantity })}
          hint="The account's purchased quantity over the whole window (empty: the real history)"
        />
        {account.organizations.length > 0 && (
          // Folded when the tree is large (tens of organizations) and nothing is set: the form stays one screen.
          <details className="dedications" open={account.organizations.length <= OPEN_DEDICATIONS_UP_TO || Object.keys(dedications).length > 0}>
            <summary>
              Dedications per organization ({account.organizations.length}
              {Object.keys(dedications).length > 0 ? `, ${Object.keys(dedications).length} set` : ''})
            </summary>
            <div className="dedication-fields">
              {account.organizations.map((org) => (
                <NumberField
                  key={org.orgId}
                  label={`Dedicated to ${org.path}`}
                  value={dedications[org.orgId] ?? ''}
                  placeholder="real"
                  onChange={(quantity) => setDraft({ dedications: formatDedications({ ...dedications, [org.orgId]: quantity }) })}
                />
              ))}
            </div>
          </details>
        )}
        <NumberField
          label="Denied attempt lasts (s)"
          value={draft.deniedDuration}
          placeholder="median"
          onChange={(deniedDuration) => setDraft({ deniedDuration })}
          hint="Seconds each denied attempt would have used (empty: the median accepted session of the window)"
        />
        <button type="submit">Replay</button>
        <button
          type="button"
          className="link"
          disabled={Object.values(applied).every((v) => v === '')}
          onClick={() => update({ quantity: null, dedications: null, deniedDuration: null })}
        >
          Real values
        </button>
      </form>
      {body && !report.isPlaceholderData && (
        <WindowFigures
          label="The window under the hypothesis"
          figures={[
            {
              field: 'demand',
              label: 'Demand',
              value: (
                <>
                  {formatNumber(body.demand)} <small>starts (accepted and denied)</small>
                </>
              ),
            },
            { field: 'refused', label: 'Refused under the hypothesis', value: formatNumber(body.refused) },
            {
              field: 'deniedDuration',
              label: 'A denied attempt counts',
              value: (
                <>
                  {formatDuration(body.deniedDuration)}{' '}
                  <small>
                    ({formatNumber(body.deniedDuration)} s{applied.deniedDuration === '' ? ', the median accepted' : ''})
                  </small>
                </>
              ),
            },
            {
              field: 'recommendation.noDenials',
              label: 'Smallest account quantity with no denial',
              value: recommended(body.recommendation.noDenials),
            },
            {
              field: 'recommendation.atMostOnePercent',
              label: 'With at most 1 % of demand denied',
              value: recommended(body.recommendation.atMostOnePercent),
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
        caption={caption}
        exportLink={{
          path: accountPath(account.accountId, '/reports/what-if'),
          params: request,
          filename: `what-if-${filters.product}-${filters.from}-${filters.to}.csv`,
        }}
        onSelect={explain.onSelect}
        onExplain={explain.onExplain}
      />
      {body && <BucketExplainPanel report="what-if" params={request} metrics={metrics} productName={productName} scopeName={scopeName} />}
    </section>
  );
}
