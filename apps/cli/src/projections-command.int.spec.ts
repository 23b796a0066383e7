import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import type { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { CountingProjection } from '../../../test/projections/support/counting-projection.js';
import { appendTypes, cycleOfTypes, newEngine, openBackend, type Backend } from '../../../test/projections/support/projection-fixture.js';
import { runCli } from './cli.js';
import { printStatus, rebuildAll, rebuildProjection } from './projections-command.js';

describe('ledger projections, on the embedded store', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-projections-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  test('status --format json lists every registered projection', async () => {
    const out = captureOutput();
    expect(await runCli(['projections', 'status', '--format', 'json'], out, { LEDGER_DATA_DIR: dataDir })).toBe(0);
    const { projections } = JSON.parse(out.out()) as { projections: { name: string }[] };
    expect(projections.map((p) => p.name)).toEqual(ALL_PROJECTIONS.map((type) => new type().name));
  });

  test.each([
    [['projections'], 'Usage: ledger projections [options] [command]'],
    [['projections', 'frob'], "ledger projections: unknown command 'frob'"],
    [
      ['projections', 'status', '--format', 'xml'],
      "ledger projections status: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json.",
    ],
    [['projections', 'run', 'now'], "ledger projections run: too many arguments for 'run'. Expected 0 arguments but got 1."],
    [['projections', 'rebuild', 'nope'], 'unknown projection "nope"'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const out = captureOutput();
    expect(await runCli(argv, out, { LEDGER_DATA_DIR: dataDir })).toBe(2);
    expect(out.err()).toContain(message);
  });
});

describe('projections commands on an engine', () => {
  let backend: Backend;
  let engine: ProjectionEngine;

  beforeAll(async () => {
    backend = await openBackend('pglite', 'cli');
    engine = newEngine(backend, [new CountingProjection(), new CountingProjection({ name: 'second' })], { retiredGraceMs: 0 });
    await appendTypes(backend.store, cycleOfTypes(450));
  });
  afterAll(async () => {
    await engine.stop();
    await backend.close();
  });

  test('rebuild shows its progress on stderr and the new generation on stdout', async () => {
    const out = captureOutput();
    expect(await rebuildProjection(engine, 'counter', out)).toBe(0);
    expect(out.out()).toMatch(/^counter: generation 1 active \(\d+\.\d s\)\n$/);
    expect(out.err()).toMatch(/rebuilding counter → generation 1 \[#{24}\] 100% {2}450\/450 events/);

    const again = captureOutput();
    expect(await rebuildProjection(engine, 'counter', again)).toBe(0);
    expect(again.out()).toMatch(/^counter: generation 2 active, generation 1 dropped/);
  });

  test('status prints a table', async () => {
    const out = captureOutput();
    expect(await printStatus(engine, 'table', out)).toBe(0);
    const [header, row, ...rest] = out.out().trimEnd().split('\n');
    expect(header).toMatch(/^NAME +VERSION +GENERATION +STATUS +POSITION +LAG EVENTS +LAG S +FOLDED +UPDATED +RULES +LAST ERROR$/);
    expect(row).toMatch(/^counter +1 +2 \(v1\) +active +\d+\/\d+ +0 +0 +300 +\d{4}-\d\d-\d\dT\S+ +activityActions=all leaseMs=900000$/);
    expect(rest).toEqual([expect.stringMatching(/^second +1 +- +/)]);
  });

  test('rebuild with no name rebuilds every projection in one pass, with the pass in the progress', async () => {
    const out = captureOutput();
    expect(await rebuildAll(engine, out)).toBe(0);
    expect(out.out()).toMatch(
      /^counter: generation 3 active, generation 2 dropped \(\d+\.\d s\)\nsecond: generation \d+ active.*\nrebuilt 2 projection\(s\)\n$/,
    );
    expect(out.err()).toMatch(/^rebuilding 2 projections \[#{24}\] 100% /m);
  });
});
