import { Gauge, type Registry } from 'prom-client';
import type { ProjectionStatus } from '../../../projections/engine/projection-status.js';

const LABELS = ['projection', 'generation', 'status'] as const;

/**
 * Where each live generation of each projection stands, as Prometheus gauges, set from the engine's
 * status at each scrape (the registry table is the source: a projector in another process shows too).
 */
export class ProjectionGauges {
  readonly #gauges: Record<'position' | 'lagEvents' | 'lagSeconds' | 'folded' | 'failing' | 'rebuildRead' | 'rebuildTotal', Gauge<string>>;
  readonly #unreadable: Gauge<string>;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string, labelNames: readonly string[] = LABELS) =>
      new Gauge({ name, help, labelNames, registers: [registry] });
    this.#gauges = {
      position: gauge('ledger_projection_position_commit', 'Commit part of the last log position folded in (0 before the first batch)'),
      lagEvents: gauge('ledger_projection_lag_events', "Events in the log after the projection's position (EventStoreDB: counted up to 10,000)"),
      lagSeconds: gauge('ledger_projection_lag_seconds', 'Seconds since the oldest event not yet folded in was recorded; 0 when caught up'),
      folded: gauge('ledger_projection_events_folded', 'Events the generation has folded in (of the types it takes)'),
      failing: gauge('ledger_projection_last_batch_failed', "1 while the generation's last batch failed (it is retried), else 0"),
      rebuildRead: gauge('ledger_projection_rebuild_events_read', 'Events of the log a building generation has read so far', [
        'projection',
        'generation',
      ]),
      rebuildTotal: gauge('ledger_projection_rebuild_events_total', 'Events a building generation has to read: read so far + still behind', [
        'projection',
        'generation',
      ]),
    };
    this.#unreadable = gauge(
      'ledger_projection_status_unreadable',
      "1 when the projections' status could not be read at this scrape (database down), else 0",
      [],
    );
  }

  /** The status could not be read: no projection values rather than stale ones. */
  unreadable(): void {
    for (const gauge of Object.values(this.#gauges)) gauge.reset();
    this.#unreadable.set(1);
  }

  /** Replaces every value with `statuses` (a generation retired since the last scrape disappears). */
  update(statuses: readonly ProjectionStatus[]): void {
    for (const gauge of Object.values(this.#gauges)) gauge.reset();
    this.#unreadable.set(0);
    for (const s of statuses) {
      const labels = { projection: s.name, generation: String(s.generation ?? 0), status: s.status };
      this.#gauges.position.set(labels, Number(s.position?.split('/')[0] ?? 0));
      this.#gauges.lagEvents.set(labels, s.lagEvents);
      this.#gauges.lagSeconds.set(labels, s.lagSeconds);
      this.#gauges.folded.set(labels, s.eventsFolded);
      this.#gauges.failing.set(labels, s.lastError === null ? 0 : 1);
      if (s.status === 'building') {
        const building = { projection: s.name, generation: String(s.generation) };
        this.#gauges.rebuildRead.set(building, s.eventsSeen);
        this.#gauges.rebuildTotal.set(building, s.eventsSeen + s.lagEvents);
      }
    }
  }
}
