import { NestFactory } from '@nestjs/core';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/ledger/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { StderrLogger } from './stderr-logger.js';

/** Runs `work` against the configured ledger (no HTTP server), then closes the store. */
export async function withLedger<T>(config: LedgerConfig, work: (gateway: CommandGateway) => Promise<T>): Promise<T> {
  const context = await NestFactory.createApplicationContext(LedgerModule.forRoot(config), {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    abortOnError: false,
  });
  try {
    return await work(context.get(CommandGateway));
  } finally {
    await context.close();
  }
}
