import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../../libs/database/src/testing/test-postgres.js';
import { ledgerEnv, scratchDirectory } from './ledger-process.js';

export interface FaultFixture {
  readonly schema: TestSchema;
  /** A connection of the test's own on the schema. */
  readonly database: LedgerDatabase;
  /** The environment of `ledger` processes on the schema. */
  readonly env: NodeJS.ProcessEnv;
  /** A path in a scratch directory removed afterwards. */
  file(name: string): string;
}

/**
 * Registers beforeAll/afterAll hooks for a PostgreSQL schema of the suite's own (dropped afterwards)
 * and a scratch directory; `cleanup` runs first (stop the processes the suite started).
 */
export function useFaultFixture(label: string, cleanup: () => Promise<void> = async () => undefined): () => FaultFixture {
  let fixture: FaultFixture | undefined;
  let remove = async () => undefined as void;
  beforeAll(async () => {
    const schema = freshTestSchema(label);
    const scratch = await scratchDirectory(label);
    const database = await schema.open();
    remove = async () => {
      await database.close();
      await schema.drop();
      await scratch.remove();
    };
    fixture = { schema, database, env: ledgerEnv(TEST_DATABASE_URL, schema.schema), file: scratch.file };
  });
  afterAll(async () => {
    await cleanup();
    await remove();
  });
  return () => {
    if (!fixture) throw new Error('the fault fixture is set up in beforeAll');
    return fixture;
  };
}
