import { Logger } from '@nestjs/common';
import type { LedgerConfig } from '../../../libs/ledger/src/config.js';
import { createApp } from '../../api/src/create-app.js';
import { EXIT } from './exit-codes.js';

/** `ledger serve`: the HTTP API on PORT; runs until SIGINT/SIGTERM, which close the store. */
export async function serve(config: LedgerConfig): Promise<number> {
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  const logger = new Logger('ledger');
  logger.log(`License Ledger API on http://localhost:${config.port} (OpenAPI at /docs)`);
  logger.log(`Store: ${describeStore(config)}`);
  return EXIT.OK;
}

/** Which stores the configuration selects, with any password masked. */
export function describeStore(config: LedgerConfig): string {
  const database = config.databaseUrl ? `PostgreSQL at ${maskPassword(config.databaseUrl)}` : `embedded PGlite in ${config.dataDir}`;
  return config.eventStoreUrl
    ? `events in EventStoreDB at ${maskPassword(config.eventStoreUrl)}, read models in ${database}`
    : `events and read models in ${database}`;
}

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
