import type { INestApplicationContext } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { keyStoreOf, type KeyStoreOpener } from './keys-command.js';
import { withLedger } from './ledger-context.js';

/** What a command works with once the ledger is open. */
export interface OpenLedger {
  readonly gateway: CommandGateway;
  readonly queries: QueryBus;
  /** The Nest context: the event store (EVENT_STORE), the ProjectionEngine, the ProjectionReader… */
  readonly context: INestApplicationContext;
}

/**
 * How commands reach the ledger: opened in this process (`localLedger`), or, inside a running
 * `ledger serve`, the server's own (`servedLedger`), for commands that came over its local socket.
 */
export interface LedgerAccess {
  readonly config: LedgerConfig;
  /** Runs `work` on the open ledger; `runProjections`: fold the log meanwhile (an import that waits for them). */
  open<T>(work: (ledger: OpenLedger) => Promise<T>, options?: { runProjections?: boolean }): Promise<T>;
  /** The API keys, without opening the ledger. */
  readonly keys: KeyStoreOpener;
}

/** The ledger of `config`, opened by this process for the length of one command. */
export function localLedger(config: LedgerConfig): LedgerAccess {
  return {
    config,
    open: (work, options = {}) =>
      withLedger(config, (gateway, context) => work({ gateway, context, queries: context.get(QueryBus) }), {
        runProjections: options.runProjections ?? false,
      }),
    keys: keyStoreOf(config),
  };
}

/** The ledger a running application (`ledger serve`) has open: nothing is opened or closed. */
export function servedLedger(config: LedgerConfig, app: INestApplicationContext): LedgerAccess {
  const ledger: OpenLedger = { gateway: app.get(CommandGateway), queries: app.get(QueryBus), context: app };
  return {
    config,
    open: (work) => work(ledger),
    keys: (work) => work(app.get(ApiKeyStore)),
  };
}
