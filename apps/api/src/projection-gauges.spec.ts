import { Registry } from 'prom-client';
import type { ProjectionStatus } from '../../../projections/engine/projection-status.js';
import { ProjectionGauges } from './projection-gauges.js';

const status = (overrides: Partial<ProjectionStatus>): ProjectionStatus => ({
  name: 'sessions',
  version: 2,
  generation: 3,
  generationVersion: 2,
  status: 'active',
  position: '900/4',
  lagEvents: 0,
  lagSeconds: 0,
  eventsFolded: 120,
  eventsSeen: 900,
  rules: {},
  lastError: null,
  updatedAt: '2026-01-05T12:00:00.000Z',
  ...overrides,
});

describe('ProjectionGauges', () => {
  it('shows each generation, the progress of a rebuild, and a failing batch', async () => {
    const registry = new Registry();
    const gauges = new ProjectionGauges(registry);
    gauges.update([
      status({}),
      status({
        generation: 4,
        status: 'building',
        position: '400/1',
        lagEvents: 600,
        lagSeconds: 30,
        eventsSeen: 400,
        lastError: 'deadlock detected',
      }),
    ]);
    const text = await registry.metrics();
    expect(text).toContain('ledger_projection_position_commit{projection="sessions",generation="3",status="active"} 900');
    expect(text).toContain('ledger_projection_position_commit{projection="sessions",generation="4",status="building"} 400');
    expect(text).toContain('ledger_projection_lag_events{projection="sessions",generation="4",status="building"} 600');
    expect(text).toContain('ledger_projection_rebuild_events_read{projection="sessions",generation="4"} 400');
    expect(text).toContain('ledger_projection_rebuild_events_total{projection="sessions",generation="4"} 1000');
    expect(text).toContain('ledger_projection_last_batch_failed{projection="sessions",generation="4",status="building"} 1');
    expect(text).toContain('ledger_projection_last_batch_failed{projection="sessions",generation="3",status="active"} 0');
    expect(text).not.toContain('ledger_projection_rebuild_events_read{projection="sessions",generation="3"}');
  });

  it('forgets a generation that is gone at the next scrape', async () => {
    const registry = new Registry();
    const gauges = new ProjectionGauges(registry);
    gauges.update([status({}), status({ generation: 4, status: 'building' })]);
    gauges.update([status({ generation: 4 })]);
    const text = await registry.metrics();
    expect(text).not.toContain('generation="3"');
    expect(text).toContain('ledger_projection_position_commit{projection="sessions",generation="4",status="active"} 900');
  });
});
