import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshTestSchema, TEST_DATABASE_URL } from '../../libs/database/src/testing/test-postgres.js';

/** A place for a whole ledger (events and read models): the environment `loadConfig` reads, and its removal. */
export interface LedgerBackend {
  readonly env: NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

/** The two SQL backends, for `describe.each`: a fresh PostgreSQL schema, or a fresh embedded data folder. */
export const SQL_BACKENDS: readonly [string, (label: string) => Promise<LedgerBackend>][] = [
  [
    'PostgreSQL',
    async (label) => {
      const schema = freshTestSchema(label);
      return { env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema }, remove: () => schema.drop() };
    },
  ],
  [
    'PGlite',
    async (label) => {
      const dataDir = await mkdtemp(join(tmpdir(), `ledger-${label}-`));
      return { env: { LEDGER_DATA_DIR: dataDir }, remove: () => rm(dataDir, { recursive: true, force: true }) };
    },
  ],
];
