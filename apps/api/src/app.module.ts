import { Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '../../../libs/ledger/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { ApiModule } from './api.module.js';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return { module: AppModule, imports: [LedgerModule.forRoot(config), ApiModule] };
  }
}
