import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import type { Health, ProjectionStatus, ProjectionsList } from '@contracts';
import { apiFetch, getJson } from '../api/client';
import { Loading, ProblemMessage } from '../components/feedback';
import { formatInstant, formatNumber } from '../format/format';

/** Rebuild progress: the events seen of those in the log, and an ETA from the rate between two polls. */
function useProgress() {
  const last = useRef(new Map<string, { at: number; seen: number }>());
  return (status: ProjectionStatus): { percent: number; eta: string } => {
    const total = status.eventsSeen + status.lagEvents;
    const percent = total === 0 ? 100 : Math.floor((status.eventsSeen / total) * 100);
    const key = `${status.name}:${status.generation}`;
    const previous = last.current.get(key);
    const now = Date.now();
    last.current.set(key, { at: now, seen: status.eventsSeen });
    if (!previous || status.eventsSeen <= previous.seen) return { percent, eta: '' };
    const rate = (status.eventsSeen - previous.seen) / ((now - previous.at) / 1000);
    return { percent, eta: `about ${Math.max(1, Math.round(status.lagEvents / rate))} s left` };
  };
}

/**
 * Operations (operator keys, SPEC §5, §6): each projection's version, generation, position, lag and
 * state; a rebuild replays the whole log into a new generation while the old one serves, its progress
 * shown live; the health of the store, the database and the projections.
 */
export default function OperationsView() {
  const client = useQueryClient();
  const projections = useQuery({
    queryKey: ['projections'],
    queryFn: ({ signal }) => getJson<ProjectionsList>('/v1/projections', undefined, signal),
    refetchInterval: (query) => (query.state.data?.projections.some((p) => p.status === 'building') ? 500 : 3000),
  });
  const health = useQuery({
    queryKey: ['health'],
    // /health is open and answers 503 with the same body when a dependency is down.
    queryFn: async ({ signal }) => (await fetch('/health', { signal })).json() as Promise<Health>,
    refetchInterval: 5000,
  });
  const rebuild = useMutation({
    mutationFn: async (name: string) =>
      (await apiFetch(`/v1/projections/${encodeURIComponent(name)}/rebuild`, { method: 'POST' })).json() as Promise<ProjectionStatus>,
    onSuccess: () => void client.invalidateQueries({ queryKey: ['projections'] }),
  });
  const progress = useProgress();

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Projections and Health</h1>
      <h2>Projections</h2>
      {projections.isPending && <Loading what="the projections" />}
      {projections.isError && <ProblemMessage error={projections.error} />}
      {rebuild.isError && <ProblemMessage error={rebuild.error} />}
      {projections.data && (
        <div className="table-scroll">
          <table className="data" data-testid="projections">
            <thead>
              <tr>
                <th scope="col">projection</th>
                <th scope="col">version</th>
                <th scope="col">generation</th>
                <th scope="col">state</th>
                <th scope="col">position</th>
                <th scope="col" className="num">
                  lag (events)
                </th>
                <th scope="col" className="num">
                  lag (s)
                </th>
                <th scope="col" className="num">
                  events folded
                </th>
                <th scope="col">rules</th>
                <th scope="col">updated (UTC)</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {projections.data.projections.map((p) => {
                const building = p.status === 'building';
                const shown = building ? progress(p) : null;
                return (
                  <tr key={`${p.name}:${p.generation}`} data-projection={p.name} data-status={p.status}>
                    <th scope="row">{p.name}</th>
                    <td>
                      {p.version}
                      {p.generationVersion !== null && p.generationVersion !== p.version ? <small> (built by {p.generationVersion})</small> : null}
                    </td>
                    <td>{p.generation ?? '—'}</td>
                    <td>
                      <span className={`badge ${p.status}`}>{p.status}</span>
                      {shown && (
                        <div role="status" aria-live="polite">
                          <progress max={100} value={shown.percent} aria-label={`rebuild of ${p.name}`} /> {shown.percent}% {shown.eta}
                        </div>
                      )}
                      {p.lastError && <div className="problem">{p.lastError}</div>}
                    </td>
                    <td className="position">{p.position ?? '—'}</td>
                    <td className="num">{formatNumber(p.lagEvents)}</td>
                    <td className="num">{formatNumber(p.lagSeconds)}</td>
                    <td className="num">{formatNumber(p.eventsFolded)}</td>
                    <td>
                      <code>{JSON.stringify(p.rules)}</code>
                    </td>
                    <td>{p.updatedAt ? formatInstant(p.updatedAt, 'UTC') : '—'}</td>
                    <td>
                      {p.status === 'active' && (
                        <button
                          type="button"
                          onClick={() => rebuild.mutate(p.name)}
                          disabled={rebuild.isPending || projections.data.projections.some((q) => q.name === p.name && q.status === 'building')}
                        >
                          Rebuild
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">
        A rebuild replays the whole log into a new generation; the current one keeps answering reports until the new one has caught up and takes over.
      </p>
      <h2>Health</h2>
      {health.isPending && <Loading what="the health check" />}
      {health.isError && <ProblemMessage error={health.error} />}
      {health.data && (
        <div className="cards" data-testid="health">
          <div className="product-card">
            <h3>Overall</h3>
            <span className={`badge ${health.data.status === 'ok' ? 'up' : 'down'}`}>{health.data.status}</span>
          </div>
          {(['eventStore', 'database'] as const).map((name) => {
            const check = health.data[name];
            return (
              <div key={name} className="product-card">
                <h3>{name === 'eventStore' ? 'Event store' : 'Database'}</h3>
                <span className={`badge ${check.status}`}>{check.status}</span>
                <dl className="record">
                  {Object.entries(check)
                    .filter(([k]) => k !== 'status')
                    .map(([k, v]) => (
                      <div key={k}>
                        <dt>{k}</dt> <dd>{String(v)}</dd>
                      </div>
                    ))}
                </dl>
              </div>
            );
          })}
          {health.data.projectionsError && <ProblemMessage error={new Error(health.data.projectionsError)} />}
        </div>
      )}
    </section>
  );
}
