import { slope2, trendAt2, type Trend } from '../../../domain/src/index.js';
import { iso, isoOrOpen, type Figure } from './explain-figure.js';
import type { ForecastComputation } from './forecast.report.js';

/**
 * Explain on a forecast bucket (SPEC §8.4): a past bucket's `value` — the seats held at its latest
 * record (§4.1) or the sessions (active applications) open at the earliest instant of its peak
 * (§4.5, §4.6) — and a projected bucket's `projected`, the least-squares line at its x over the past values.
 */
export const FORECAST_METRICS: readonly string[] = ['value', 'projected'];

export function forecastFigure(c: ForecastComputation, index: number, metric: string): Figure {
  const n = c.past.length;
  if (metric === 'projected') {
    if (index < n) throw new Error('a past bucket has a value, not a projection');
    const x = index;
    return {
      value: trendAt2(c.trend, x),
      details: () => ({ x, line: lineOf(c.trend), past: c.past.map((b, i) => ({ x: i, start: b.startIso, value: c.values[i]! })) }),
    };
  }
  if (index >= n) throw new Error('a projected bucket has a projection, not a value');
  const counted = c.counted[index]!;
  if (counted.kind === 'seats') {
    return {
      value: counted.tenures.length,
      details: (cite) => ({
        recordAt: iso(counted.at),
        seats: counted.tenures.map((t) => ({ userId: t.userId, assignedAt: iso(t.assignedAt), assignedBy: cite(t.assignSeq) })),
      }),
    };
  }
  const key = c.metric === 'peakActiveApplications' ? 'applications' : 'sessions';
  return {
    value: counted.units.length,
    details: (cite) => ({
      peakAt: counted.at === null ? null : iso(counted.at),
      [key]: counted.units.map((u) => ({
        id: u.unitId,
        userId: u.userId,
        orgId: u.orgId,
        start: iso(u.start),
        end: isoOrOpen(u.end),
        startedBy: cite(u.startSeq),
        endedBy: cite(u.endSeq),
      })),
    }),
  };
}

/** The line's slope per bucket and its value at x = 0, 2 decimals (the projection is computed on the exact fractions). */
function lineOf(trend: Trend) {
  return { slope: slope2(trend), intercept: trendAt2(trend, 0) };
}
