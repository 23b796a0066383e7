import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../apps/cli/src/cli.js';
import { captureOutput } from '../support/capture-output.js';

/** `ledger explain` on the embedded store, after `ledger import` of the SPEC §7 example: the real wiring. */
describe('ledger explain after ledger import (embedded store)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-explain-'));
    expect(await runCli(['import', resolve('../shared/examples/spec-7-worked-example.ndjson')], captureOutput(), { LEDGER_DATA_DIR: dataDir })).toBe(
      3,
    );
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('explains the session-usage peak of 2026-03-02 and a licenses pool', async () => {
    const report = captureOutput();
    const code = await runCli(
      [
        'explain',
        'session-usage',
        '--account',
        'acme',
        '--product',
        'KRE',
        '--from',
        '2026-03-02',
        '--to',
        '2026-03-02',
        '--interval',
        'day',
        '--bucket',
        '2026-03-02T00:00:00.000-05:00',
        '--metric',
        'peakUsage',
      ],
      report,
      { LEDGER_DATA_DIR: dataDir },
    );
    expect({ code, err: report.err() }).toEqual({ code: 0, err: '' });
    const body = JSON.parse(report.out());
    expect(body).toMatchObject({ value: 2, peakAt: '2026-03-02T15:30:00.000Z', sessions: [{ sessionId: 's1' }, { sessionId: 's2' }] });
    expect(body.warning).toBeUndefined();
    expect(body.events[0].metadata).toMatchObject({ commandId: 'ex7-018', actor: 'cli' });

    const licenses = captureOutput();
    expect(
      await runCli(['explain', 'licenses', '--account', 'acme', '--product', 'KSE', '--scope', 'qa', '--metric', 'available'], licenses, {
        LEDGER_DATA_DIR: dataDir,
      }),
    ).toBe(0);
    expect(JSON.parse(licenses.out())).toMatchObject({ value: 1, pool: 2, used: 1, units: { seats: [{ userId: 'u1' }] } });
  });
});
