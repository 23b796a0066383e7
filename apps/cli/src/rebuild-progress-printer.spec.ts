import type { RebuildProgress } from '../../../projections/engine/rebuild-progress.js';
import { progressLine, RebuildProgressPrinter } from './rebuild-progress-printer.js';

const progress = (done: number, total = 1_000): RebuildProgress => ({
  name: 'sessions',
  generation: 3,
  done,
  total,
  eventsPerSecond: 250,
  etaSeconds: Math.ceil((total - done) / 250),
});

describe('rebuild progress on stderr', () => {
  test('a line with a bar, the counts, the rate and the time left', () => {
    expect(progressLine(progress(380))).toBe(
      'rebuilding sessions → generation 3 [#########---------------]  38%  380/1000 events  250 events/s  ETA 3 s',
    );
    expect(progressLine({ ...progress(0, 0), etaSeconds: null })).toBe(
      'rebuilding sessions → generation 3 [########################] 100%  0/0 events  250 events/s',
    );
  });

  test('several projections in one pass: one line for the pass, without a generation', () => {
    expect(progressLine({ ...progress(380), name: '8 projections', generation: null })).toBe(
      'rebuilding 8 projections [#########---------------]  38%  380/1000 events  250 events/s  ETA 3 s',
    );
  });

  test('in a log, one line every 5 s and the last one at the end', () => {
    let now = 0;
    const written: string[] = [];
    const printer = new RebuildProgressPrinter({ write: (text: string) => written.push(text) }, () => now);
    now = 5_000;
    printer.update(progress(100));
    now = 6_000;
    printer.update(progress(200));
    now = 10_000;
    printer.update(progress(300));
    now = 11_000;
    printer.update(progress(1_000));
    printer.finish();
    expect(written).toEqual([100, 300, 1_000].map((done) => `${progressLine(progress(done))}\n`));
  });

  test('on a terminal, redraws one line in place and ends it when done', () => {
    let now = 1_000;
    const written: string[] = [];
    const printer = new RebuildProgressPrinter({ write: (text: string) => written.push(text), isTTY: true }, () => now);
    printer.update(progress(100));
    now += 50;
    printer.update(progress(200));
    printer.finish();
    expect(written).toEqual([`\r${progressLine(progress(100))}\x1b[K`, `\r${progressLine(progress(200))}\x1b[K`, '\n']);
  });
});
