import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { EventView, LicensesExplanation, SeriesExplanation } from '@contracts';
import { getJson, type Params } from '../api/client';
import { formatInstant, formatNumber, localWallTime } from '../format/format';
import { Loading, ProblemMessage } from './feedback';

/** Fields every explanation has; the rest are the details of how its number is made. */
const FRAME = new Set([
  'report',
  'accountId',
  'product',
  'orgId',
  'interval',
  'timezone',
  'bucket',
  'metric',
  'value',
  'asOfPosition',
  'warning',
  'events',
  'scope',
  'asOf',
]);

export interface ExplainTarget {
  /** `…/reports/{name}/explain`, `…/licenses/explain` or `…/alerts/{alertId}/explain`. */
  readonly path: string;
  readonly params: Params;
  readonly metric: string;
  /** The metrics the reader may switch to, with what each is. */
  readonly metrics: readonly { key: string; label: string; description: string }[];
  readonly title: string;
}

/**
 * Explain (SPEC §5): the number, how it is made, the details the ledger replayed (seats, purchases,
 * the sessions open at the peak and its instant…), and every event behind it, each linking to the
 * event log. Opened from a chart point or a table figure; Escape closes it.
 */
export function ExplainPanel({
  target,
  timezone,
  onMetric,
  onClose,
}: {
  target: ExplainTarget;
  timezone: string;
  onMetric: (metric: string) => void;
  onClose: () => void;
}) {
  const query = useQuery({
    queryKey: ['explain', target.path, target.params],
    queryFn: ({ signal }) => getJson<SeriesExplanation | LicensesExplanation>(target.path, target.params, signal),
  });
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), [target.path]);
  const about = target.metrics.find((m) => m.key === target.metric);
  const explanation = query.data;
  const positions = new Set(explanation?.events.map((e) => e.position) ?? []);

  return (
    <aside
      ref={panel}
      className="explain"
      role="dialog"
      aria-modal="false"
      aria-labelledby="explain-title"
      tabIndex={-1}
      data-testid="explain"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header>
        <h2 id="explain-title">Explain: {about?.label ?? target.metric}</h2>
        <button type="button" className="close" onClick={onClose} aria-label="Close the explanation">
          ×
        </button>
      </header>
      <p className="subtitle">{target.title}</p>
      <div className="tabs" role="group" aria-label="Metric">
        {target.metrics.map((m) => (
          <button key={m.key} type="button" aria-pressed={m.key === target.metric} onClick={() => onMetric(m.key)}>
            {m.key}
          </button>
        ))}
      </div>
      {query.isPending && <Loading what="the explanation (replaying the events)" />}
      {query.isError && <ProblemMessage error={query.error} />}
      {explanation && (
        <>
          <p className="value">
            <span className="label">{target.metric}</span> <strong data-testid="explain-value">{formatNumber(explanation.value)}</strong>
            {'bucket' in explanation && explanation.bucket && typeof explanation.bucket === 'object' ? (
              <small>
                {' '}
                for {localWallTime((explanation.bucket as { start: string }).start)} → {localWallTime((explanation.bucket as { end: string }).end)} (
                {timezone})
              </small>
            ) : 'asOf' in explanation && explanation.asOf ? (
              <small>
                {' '}
                at {formatInstant(explanation.asOf as string, timezone)} ({timezone})
              </small>
            ) : null}
          </p>
          {about && (
            <p className="how">
              <strong>How it is made:</strong> {about.description}
            </p>
          )}
          {explanation.warning && (
            <p className="problem" role="alert">
              {explanation.warning}
            </p>
          )}
          <section aria-label="Details">
            {Object.entries(explanation)
              .filter(([key]) => !FRAME.has(key))
              .map(([key, value]) => (
                <div key={key} className="detail">
                  <h3>{key}</h3>
                  <Detail value={value} timezone={timezone} positions={positions} />
                </div>
              ))}
          </section>
          <h3>
            Events ({explanation.events.length}) <small>up to position {explanation.asOfPosition ?? '—'}</small>
          </h3>
          <EventList events={explanation.events} timezone={timezone} />
        </>
      )}
    </aside>
  );
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const POSITION = /^\d+\/\d+$/;

/** A detail of an explanation, whatever its shape: lists of records as tables, instants in the zone, event positions as links. */
function Detail({ value, timezone, positions }: { value: unknown; timezone: string; positions: ReadonlySet<string> }) {
  if (value === null || value === undefined) return <span className="muted">none</span>;
  if (typeof value === 'number') return <span className="num">{formatNumber(value)}</span>;
  if (typeof value === 'boolean') return <span>{value ? 'yes' : 'no'}</span>;
  if (typeof value === 'string') {
    if (POSITION.test(value) && positions.has(value))
      return (
        <a href={`#event-${value}`} className="position">
          {value}
        </a>
      );
    if (ISO_INSTANT.test(value)) return <time dateTime={value}>{formatInstant(value, timezone)}</time>;
    return <span>{value}</span>;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      const columns = [...new Set(value.flatMap((v) => Object.keys(v as object)))];
      return (
        <table className="data compact">
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c}>
                    <Detail value={(row as Record<string, unknown>)[c]} timezone={timezone} positions={positions} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    return (
      <span>
        {value.map((v, i) => (
          <span key={i}>
            {i > 0 && ', '}
            <Detail value={v} timezone={timezone} positions={positions} />
          </span>
        ))}
      </span>
    );
  }
  return (
    <dl className="record">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <Detail value={v} timezone={timezone} positions={positions} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The link to an event in the Event log: its type, at its instant, highlighted by position. */
export function eventLogHref(event: EventView): string {
  const at = Date.parse(event.metadata.occurredAt);
  const params = new URLSearchParams({
    type: event.type,
    from: new Date(at).toISOString(),
    to: new Date(at + 1).toISOString(),
    position: event.position,
  });
  return `/events?${params.toString()}`;
}

function summary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

export function EventList({ events, timezone, highlight }: { events: readonly EventView[]; timezone: string; highlight?: string | null }) {
  return (
    <table className="data events" data-testid="event-list">
      <thead>
        <tr>
          <th scope="col">position</th>
          <th scope="col">type</th>
          <th scope="col">occurred ({timezone})</th>
          <th scope="col">data</th>
          <th scope="col">actor</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr
            key={e.position}
            id={`event-${e.position}`}
            className={highlight === e.position ? 'highlight' : undefined}
            aria-current={highlight === e.position ? 'true' : undefined}
          >
            <td>
              <Link href={eventLogHref(e)} className="position">
                {e.position}
              </Link>
            </td>
            <td>{e.type}</td>
            <td>
              <time dateTime={e.metadata.occurredAt}>{formatInstant(e.metadata.occurredAt, timezone)}</time>
            </td>
            <td className="event-data">{summary(e.data)}</td>
            <td>{e.metadata.actor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
