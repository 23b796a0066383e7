/**
 * Differences between a projected report body and the one replayed from the events, as readable
 * lines: `day 2026-03-02: activeUsers projected 4, from events 3`, `row s12 missing from the projection`.
 * Arrays of records pair by their key (bucket start, series org, row id), not by index, so one missing
 * row is one line.
 */

/** Fields that identify an element of an array of records, by preference. */
const KEYS = ['sessionId', 'userId', 'start', 'orgId', 'product', 'scope', 'machineId', 'applicationId'] as const;

export interface DiffOptions {
  /** Top-level fields not compared (e.g. asOfPosition: the comparison is made at that position by construction). */
  readonly ignore?: readonly string[];
  /** How a bucket start is shown (e.g. its local date). */
  readonly bucketLabel?: (start: string) => string;
}

export function bodyDifferences(projected: unknown, replayed: unknown, options: DiffOptions = {}): string[] {
  const out: string[] = [];
  const ignore = new Set(options.ignore ?? []);
  const label = (key: string, value: unknown) => {
    if (key === 'start') return options.bucketLabel ? options.bucketLabel(String(value)) : String(value);
    if (key === 'orgId') return `org ${String(value)}`;
    if (key === 'product' || key === 'scope') return String(value);
    return `row ${String(value)}`;
  };

  const walk = (path: string[], a: unknown, b: unknown, field: string | null) => {
    const where = path.length > 0 ? `${path.join(' ')}: ` : '';
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = keyOf([...a, ...b]);
      if (key === null) {
        if (a.length !== b.length) out.push(`${where}${field ?? 'list'} has ${a.length} entries projected, ${b.length} from events`);
        for (let i = 0; i < Math.min(a.length, b.length); i += 1) walk([...path, `${field ?? ''}[${i}]`], a[i], b[i], null);
        return;
      }
      const mine = new Map(b.map((x) => [String((x as Record<string, unknown>)[key]), x]));
      const theirs = new Map(a.map((x) => [String((x as Record<string, unknown>)[key]), x]));
      for (const [id, x] of theirs) {
        if (!mine.has(id)) out.push(`${where}${label(key, id)} is projected but not in the events`);
        else walk([...path, label(key, id)], x, mine.get(id), null);
      }
      for (const id of mine.keys()) if (!theirs.has(id)) out.push(`${where}${label(key, id)} is missing from the projection`);
      const order = (m: Map<string, unknown>) => [...m.keys()].filter((id) => mine.has(id) && theirs.has(id)).join('\u0000');
      if (order(theirs) !== order(mine)) out.push(`${where}${field ?? 'list'} in another order`);
      return;
    }
    if (isRecord(a) && isRecord(b)) {
      for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (path.length === 0 && ignore.has(name)) continue;
        walk(path, a[name], b[name], name);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${where}${field ?? 'value'} projected ${show(a)}, from events ${show(b)}`);
  };
  walk([], projected, replayed, null);
  return out;
}

function keyOf(items: readonly unknown[]): string | null {
  if (items.length === 0 || !items.every(isRecord)) return null;
  return KEYS.find((k) => items.every((x) => (x as Record<string, unknown>)[k] !== undefined)) ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
