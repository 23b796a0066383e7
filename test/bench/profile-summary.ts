import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the time goes by function (self
 * and inclusive), with compiled `dist/` locations mapped back to the TypeScript sources, and by
 * area (this project's files, each npm package, node internals, GC).
 *
 *   node dist/test/bench/profile-summary.js FILE.cpuprofile [--top 30]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  readonly fn: string;
  readonly location: string;
  readonly selfMs: number;
  readonly selfPct: number;
  readonly totalMs: number;
  readonly totalPct: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  readonly byArea: readonly { area: string; selfMs: number; selfPct: number }[];
  readonly topSelf: readonly FunctionTime[];
  /** Inclusive time of this project's own functions (what calls into the libraries). */
  readonly topProjectInclusive: readonly FunctionTime[];
}

const root = process.cwd();
const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapOf(path: string): SourceMap | null {
  if (!sourceMaps.has(path)) {
    try {
      sourceMaps.set(path, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))));
    } catch {
      sourceMaps.set(path, null);
    }
  }
  return sourceMaps.get(path)!;
}

/** `libs/ledger/src/account-ledger.ts:57` for compiled project files, `node_modules/pg/…:12` otherwise. */
function locate(frame: CallFrame): { location: string; area: string } {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return { location: '(native)', area: frame.functionName.startsWith('(') ? frame.functionName : 'native/V8' };
  if (url.startsWith('node:')) return { location: `${url}:${lineNumber + 1}`, area: 'node internals' };
  if (url.startsWith('wasm:')) return { location: url, area: 'WebAssembly (PGlite)' };
  let path: string;
  try {
    path = url.startsWith('file:') ? fileURLToPath(url) : url;
  } catch {
    return { location: url, area: 'other' };
  }
  const rel = relative(root, path);
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (modules) return { location: `${rel.slice(rel.indexOf(modules[0]))}:${lineNumber + 1}`, area: `npm ${modules[1]}` };
  if (rel.startsWith('dist/')) {
    const map = sourceMapOf(path);
    const entry = map?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) {
      const source = relative(
        root,
        entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : resolve(path, '..', entry.originalSource),
      );
      return { location: `${source}:${(entry.originalLine ?? 0) + 1}`, area: `project ${source.split('/').slice(0, 2).join('/')}` };
    }
    return { location: `${rel}:${lineNumber + 1}`, area: 'project' };
  }
  return { location: `${rel}:${lineNumber + 1}`, area: rel.startsWith('..') || !path.startsWith('/') ? 'other' : 'project' };
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, delta));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;

  const located = new Map<number, { key: string; fn: string; location: string; area: string; project: boolean }>();
  for (const node of profile.nodes) {
    const { location, area } = locate(node.callFrame);
    const fn = node.callFrame.functionName || '(anonymous)';
    located.set(node.id, { key: `${fn}@${location}`, fn, location, area, project: area.startsWith('project') });
  }

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  // Depth-first from the root: a function's inclusive time counts each sample once, even when recursive.
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const rootNode = profile.nodes.find((n) => !parents.has(n.id))!;
  const onStack = new Map<string, number>();
  const visit = (id: number): number => {
    const node = nodes.get(id)!;
    const info = located.get(id)!;
    const own = selfUs.get(id) ?? 0;
    self.set(info.key, (self.get(info.key) ?? 0) + own);
    areas.set(info.area, (areas.get(info.area) ?? 0) + own);
    const outermost = !onStack.has(info.key);
    onStack.set(info.key, (onStack.get(info.key) ?? 0) + 1);
    let subtree = own;
    for (const child of node.children ?? []) subtree += visit(child);
    const depth = onStack.get(info.key)! - 1;
    if (depth === 0) onStack.delete(info.key);
    else onStack.set(info.key, depth);
    if (outermost) inclusive.set(info.key, (inclusive.get(info.key) ?? 0) + subtree);
    return subtree;
  };
  visit(rootNode.id);

  const byKey = new Map([...located.values()].map((l) => [l.key, l]));
  const entry = (key: string): FunctionTime => {
    const l = byKey.get(key)!;
    const s = self.get(key) ?? 0;
    const t = inclusive.get(key) ?? 0;
    return {
      fn: l.fn,
      location: l.location,
      selfMs: Math.round(s / 1000),
      selfPct: pct(s, totalUs),
      totalMs: Math.round(t / 1000),
      totalPct: pct(t, totalUs),
    };
  };
  const ignored = new Set(['(idle)', '(program)', '(root)']);
  return {
    file,
    durationMs: Math.round(totalUs / 1000),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), selfPct: pct(us, totalUs) })),
    topSelf: [...self.keys()]
      .sort((a, b) => self.get(b)! - self.get(a)!)
      .slice(0, top)
      .map(entry),
    topProjectInclusive: [...inclusive.keys()]
      .filter((k) => byKey.get(k)!.project && !ignored.has(byKey.get(k)!.fn))
      .sort((a, b) => inclusive.get(b)! - inclusive.get(a)!)
      .slice(0, top)
      .map(entry),
  };
}

function pct(part: number, total: number): number {
  return Math.round((1000 * part) / total) / 10;
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const row = (f: FunctionTime) => `  ${String(f.selfPct).padStart(5)}% self ${String(f.totalPct).padStart(5)}% total  ${f.fn}  ${f.location}`;
  return [
    `${summary.file}: ${summary.durationMs} ms sampled`,
    'By area (self time):',
    ...summary.byArea.slice(0, 15).map((a) => `  ${String(a.selfPct).padStart(5)}%  ${a.area}`),
    'Top functions by self time:',
    ...summary.topSelf.map(row),
    'Project functions by inclusive time:',
    ...summary.topProjectInclusive.map(row),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [file, flag, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: node dist/test/bench/profile-summary.js FILE.cpuprofile [--top N]\n');
    process.exitCode = 2;
  } else {
    process.stdout.write(`${formatProfileSummary(summarizeProfile(file, flag === '--top' ? Number(n) : 30))}\n`);
  }
}
