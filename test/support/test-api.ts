import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApp } from '../../apps/api/src/configure-app.js';
import { CommandGateway } from '../../libs/ledger/src/command-gateway.js';

export interface TestApi {
  readonly url: string;
  readonly app: NestExpressApplication;
  close(): Promise<void>;
}

@Global()
@Module({})
class GatewayDoubleModule {
  static with(gateway: CommandGateway): DynamicModule {
    return { module: GatewayDoubleModule, providers: [{ provide: CommandGateway, useValue: gateway }], exports: [CommandGateway] };
  }
}

/** The HTTP API, configured as in production, on a CommandGateway double, listening on a free port. */
export async function startTestApi(gateway: CommandGateway): Promise<TestApi> {
  @Module({ imports: [GatewayDoubleModule.with(gateway), ApiModule] })
  class TestAppModule {}

  const app = configureApp(await NestFactory.create<NestExpressApplication>(TestAppModule, { bodyParser: false, logger: false }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}
