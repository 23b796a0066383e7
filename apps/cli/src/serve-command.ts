import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { createApp } from '../../api/src/create-app.js';
import { firstKeyHint } from '../../api/src/auth/first-key-hint.js';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { Command } from 'commander';
import { listenBeside, type RunInServer } from './beside-server.js';
import { answer } from './command-kit.js';
import { EXIT } from './exit-codes.js';

export interface ServeOptions {
  /** Run the projections in this process too (default); off when `ledger projections run` runs them elsewhere. */
  readonly runProjections?: boolean;
  /** On the embedded store: runs the `ledger` commands sent over the data dir's socket (beside-server.ts). */
  readonly runInServer?: (config: LedgerConfig, app: INestApplicationContext) => RunInServer;
}

/** `ledger serve [--no-projections]`. */
export function serveCommand(config: () => LedgerConfig, runInServer: (config: LedgerConfig, app: INestApplicationContext) => RunInServer): Command {
  const command = new Command('serve')
    .summary('run the HTTP API (and the projections) until SIGINT or SIGTERM')
    .description(
      'Run the HTTP API on PORT (default 3000; OpenAPI at /docs) and the projections, until SIGINT or SIGTERM. ' +
        'On the embedded store, other ledger commands on the same data dir go through this server meanwhile.',
    )
    .option('--no-projections', 'do not fold the log here: another process runs `ledger projections run` (PostgreSQL)');
  return answer(command, (self) => serve(config(), { runProjections: self.opts<{ projections: boolean }>().projections, runInServer }));
}

/** `ledger serve`: the HTTP API on PORT, and the projections; runs until SIGINT/SIGTERM, which close the store. */
export async function serve(config: LedgerConfig, options: ServeOptions = {}): Promise<number> {
  const runProjections = options.runProjections ?? true;
  const app = await createApp(config, { runProjections });
  try {
    await app.listen(config.port);
  } catch (error) {
    // Nothing serves: give the data dir and the database back at once, then say why.
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`port ${config.port} is in use by another program; set PORT to a free one`, { cause: error });
    throw error;
  }
  if (!config.databaseUrl && options.runInServer) {
    const beside = await listenBeside(config.dataDir, options.runInServer(config, app));
    // Closed with the HTTP server, before the ledger closes the store under a command still running.
    app.getHttpServer().once('close', () => void beside.close());
  }
  app.enableShutdownHooks();
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
