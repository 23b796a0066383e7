import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyStore } from '../../../../libs/auth/src/api-keys.js';
import { SqlApiKeyStore } from '../../../../libs/auth/src/sql-api-key-store.js';
import { LEDGER_DATABASE } from '../../../../libs/ledger/src/ledger.module.js';
import type { LedgerDatabase } from '../../../../libs/read-store/src/database.js';
import { RateLimitGuard } from '../limits/rate-limit.guard.js';
import { ApiKeyGuard } from './api-key.guard.js';

/**
 * API-key authentication of every `/v1` route (SPEC §6, Security): the global ApiKeyGuard, the
 * key store it reads, and the rate limit per key (RateLimitGuard). AppModule (what `createApp` and `ledger serve` build) imports `forRoot()`;
 * interface tests import `withStore(…)` with keys in memory.
 */
@Module({})
export class ApiAuthModule {
  /** Keys in the ledger's database (table `ledger_api_keys`, created if missing). Needs the LedgerModule. */
  static forRoot(): DynamicModule {
    return ApiAuthModule.with({
      provide: ApiKeyStore,
      inject: [LEDGER_DATABASE],
      useFactory: (database: LedgerDatabase) => SqlApiKeyStore.open(database),
    });
  }

  static withStore(store: ApiKeyStore): DynamicModule {
    return ApiAuthModule.with({ provide: ApiKeyStore, useValue: store });
  }

  private static with(store: Provider): DynamicModule {
    return {
      module: ApiAuthModule,
      // Guards run in this order: the key first, then its rate limit.
      providers: [store, { provide: APP_GUARD, useClass: ApiKeyGuard }, { provide: APP_GUARD, useClass: RateLimitGuard }],
      exports: [ApiKeyStore],
    };
  }
}
