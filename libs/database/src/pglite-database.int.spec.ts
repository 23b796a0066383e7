import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.js';
import { query } from './testing/query.js';

describe('PGlite in a data directory', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-pglite-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('is held by one process: a second open fails with the holder, and close releases it', async () => {
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toThrow(
      new RegExp(
        `^${dataDir} is in use by process ${process.pid} on host .+ \\(since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); stop it or set LEDGER_DATA_DIR`,
      ),
    );
    await first.close();
    const second = await openDatabase({ dataDir });
    await second.close();
  });

  test('keeps its data, in its schema, across close and reopen', async () => {
    const first = await openDatabase({ dataDir, schema: 'ledger' });
    await query(first, 'CREATE TABLE kept (value text)');
    await query(first, `INSERT INTO kept VALUES ('still here')`);
    await first.close();

    const second = await openDatabase({ dataDir, schema: 'ledger' });
    expect(await query(second, 'SELECT current_schema() AS schema, value FROM kept')).toEqual([{ schema: 'ledger', value: 'still here' }]);
    await second.close();
  });
});
