import { Fragment } from 'react';
import type { SeriesBucket } from '@contracts';
import { bucketLabel, formatNumber } from '../format/format';
import type { ChartMetric, ChartSeries } from './SeriesChart';

/**
 * The numbers of a chart as an HTML table, for reading without a mouse: one row per bucket with its
 * local start, one column per metric headed by the metric's name exactly as the SPEC (and the CSV
 * export) writes it. With `onExplain`, every figure is a button that opens its explanation.
 */
export function MetricTable({
  series,
  metrics,
  interval,
  timezone,
  caption,
  onExplain,
}: {
  series: readonly ChartSeries[];
  metrics: readonly ChartMetric[];
  interval: string;
  timezone: string;
  caption: string;
  onExplain?: (index: number, metric: string, bucket: SeriesBucket<object>) => void;
}) {
  return (
    <div className="metric-tables">
      {series.map((s) => (
        <table key={s.name ?? ''} className="data metric-table" data-testid="metric-table">
          <caption>
            {caption}
            {s.name ? ` — ${s.name}` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">
                start <small>({timezone})</small>
              </th>
              {metrics.map((m) => (
                <th scope="col" key={m.key} title={m.label}>
                  <BreakableName name={m.key} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {s.buckets.map((bucket, index) => (
              <tr key={bucket.start}>
                <th scope="row">{bucketLabel(bucket.start, interval)}</th>
                {metrics.map((m) => {
                  const raw = (bucket as Record<string, unknown>)[m.key];
                  const value = formatNumber(raw === undefined || raw === null ? null : Number(raw));
                  return (
                    <td key={m.key} className="num">
                      {onExplain && s.name === null && value !== '—' ? (
                        <button
                          type="button"
                          className="figure"
                          onClick={() => onExplain(index, m.key, bucket)}
                          aria-label={`${value}: explain ${m.key} of ${bucketLabel(bucket.start, interval)}`}
                        >
                          {value}
                        </button>
                      ) : (
                        value
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

/**
 * A metric's name as the SPEC writes it (`actual.availableSessions`), allowed to wrap after a dot
 * and before a capital, so that many columns fit the page's width without changing the name.
 */
function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=\.)|(?=[A-Z])/);
  return (
    <span className="metric-name">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
