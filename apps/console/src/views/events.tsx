import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import type { EventsLogPage } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory } from '../app/console-context';
import { pick, useViewParams } from '../app/url-state';
import { EventList } from '../components/ExplainPanel';
import { ExportButton } from '../components/ExportButton';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { formatNumber, instantFromLocal, localFromInstant } from '../format/format';

const FILTERS = ['type', 'stream', 'from', 'to'];
const LIMITS = [50, 100, 500];

/**
 * The account's raw log (SPEC §5): paged by position, filtered by event type, stream and time, each
 * event with its metadata; Export downloads the matching events as NDJSON, stamped with the position
 * the page stands at (`until`), so the same file can be regenerated. `position` highlights one event
 * (the links from Explain).
 */
export default function EventsView() {
  const account = useAccountDirectory();
  const [params, update] = useViewParams();
  const filters = pick(params, FILTERS);
  const limit = Number(params.get('limit') ?? '100') || 100;
  const request = { ...filters, after: params.get('after') ?? '', until: params.get('until') ?? '', limit };
  const path = accountPath(account.accountId, '/events');
  const page = useQuery({
    queryKey: ['events', account.accountId, request],
    queryFn: ({ signal }) => getJson<EventsLogPage>(path, request, signal),
    placeholderData: keepPreviousData,
  });
  const highlight = params.get('position');
  useEffect(() => {
    if (highlight && page.data) document.getElementById(`event-${highlight}`)?.scrollIntoView({ block: 'center' });
  }, [highlight, page.data]);
  const set = (changes: Record<string, string | null>) => update({ ...changes, after: null, until: null, position: null });
  const data = page.data;
  const types = [...new Set(data?.events.map((e) => e.type) ?? [])].sort();

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Event Log</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <TextFilter label="Event types (comma-separated)" value={filters.type ?? ''} list={types} onApply={(type) => set({ type })} />
        <TextFilter label="Stream" value={filters.stream ?? ''} list={[`account-${account.accountId}`]} onApply={(stream) => set({ stream })} />
        <InstantFilter label="Occurred from" value={filters.from ?? ''} zone={account.timezone} onApply={(from) => set({ from })} />
        <InstantFilter label="Occurred before" value={filters.to ?? ''} zone={account.timezone} onApply={(to) => set({ to })} />
        <button type="button" onClick={() => set({ type: null, stream: null, from: null, to: null })} disabled={Object.keys(filters).length === 0}>
          Reset Filters
        </button>
      </form>
      <div className="toolbar">
        <ExportButton
          path={path}
          params={{ ...filters, until: data?.untilPosition ?? request.until }}
          format="ndjson"
          label="Export NDJSON"
          filename={`events-${account.accountId}-until-${(data?.untilPosition ?? 'head').replace('/', '-')}.ndjson`}
        />
        <span className="inline">
          <label htmlFor="events-limit">Events per page</label>
          <select id="events-limit" value={limit} onChange={(e) => update({ limit: e.target.value === '100' ? null : e.target.value, after: null })}>
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </span>
        {data && (
          <span className="stamp" data-testid="stamp">
            Up to position <strong>{data.untilPosition ?? '—'}</strong> · times in {account.timezone}
          </span>
        )}
      </div>
      {page.isPending && <Loading what="the events" />}
      {page.isError && <ProblemMessage error={page.error} />}
      {data && data.events.length === 0 && <Empty>No event matches these filters.</Empty>}
      {data && data.events.length > 0 && (
        <div className={page.isFetching ? 'report refreshing' : 'report'}>
          <div className="table-scroll">
            <EventList events={data.events} timezone={account.timezone} highlight={highlight} />
          </div>
          <nav className="pager" aria-label="Pages">
            <button type="button" onClick={() => update({ after: null, until: null })} disabled={!params.get('after')}>
              First page
            </button>
            <button type="button" onClick={() => window.history.back()} disabled={!params.get('after')}>
              Previous page
            </button>
            <span role="status">
              {formatNumber(data.events.length)} events{params.get('after') ? ` after ${params.get('after')}` : ''}
            </span>
            <button
              type="button"
              onClick={() => update({ after: data.nextAfter, until: data.untilPosition, position: null })}
              disabled={data.nextAfter === null}
            >
              Next page
            </button>
          </nav>
        </div>
      )}
    </section>
  );
}

function TextFilter({
  label,
  value,
  list,
  onApply,
}: {
  label: string;
  value: string;
  list: readonly string[];
  onApply: (value: string | null) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const apply = () => onApply(text.trim() === '' ? null : text.trim());
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        list={`${id}-list`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      <datalist id={`${id}-list`}>
        {list.map((item) => (
          <option key={item} value={item} />
        ))}
      </datalist>
    </div>
  );
}

/** An instant typed as a local date-time in the account's zone, sent as UTC. */
function InstantFilter({ label, value, zone, onApply }: { label: string; value: string; zone: string; onApply: (value: string | null) => void }) {
  const id = useId();
  const [text, setText] = useState(value ? localFromInstant(value, zone) : '');
  useEffect(() => setText(value ? localFromInstant(value, zone) : ''), [value, zone]);
  const apply = () => onApply(text === '' ? null : instantFromLocal(text, zone));
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} <small>({zone})</small>
      </label>
      <input
        id={id}
        type="datetime-local"
        step={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
    </div>
  );
}
