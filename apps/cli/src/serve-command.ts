import { Logger } from '@nestjs/common';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { createApp } from '../../api/src/create-app.js';
import { firstKeyHint } from '../../api/src/auth/first-key-hint.js';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { EXIT } from './exit-codes.js';

export interface ServeOptions {
  /** Run the projections in this process too (default); off when `ledger projections run` runs them elsewhere. */
  readonly runProjections?: boolean;
}

/** `ledger serve`: the HTTP API on PORT, and the projections; runs until SIGINT/SIGTERM, which close the store. */
export async function serve(config: LedgerConfig, options: ServeOptions = {}): Promise<number> {
  const runProjections = options.runProjections ?? true;
  const app = await createApp(config, { runProjections });
  app.enableShutdownHooks();
  await app.listen(config.port);
  const logger = new Logger('ledger');
  logger.log(`License Ledger API on http://localhost:${config.port} (OpenAPI at /docs)`);
  logger.log(`Store: ${describeStore(config)}`);
  const hint = await firstKeyHint(app.get(ApiKeyStore), !config.databaseUrl);
  if (hint) logger.warn(hint);
  if (!runProjections) {
    const warning = config.databaseUrl ? '' : ' — the embedded store allows one process, so nothing will update them';
    logger.log(`Projections are not run here: \`ledger projections run\` runs them${warning}`);
  }
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
