import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { ApiAuthModule } from '../../apps/api/src/auth/api-auth.module.js';
import { InMemoryApiKeyStore } from '../../libs/auth/src/testing/in-memory-api-key-store.js';
import { configureApp } from '../../apps/api/src/configure-app.js';
import { CommandGateway } from '../../libs/ledger/src/command-gateway.js';

export interface TestApi {
  readonly url: string;
  readonly app: NestExpressApplication;
  /** The API keys the guard checks (in memory). */
  readonly keys: InMemoryApiKeyStore;
  /** An account-admin token of the account `acme`, sent by `fetch` unless the request has its own Authorization. */
  readonly token: string;
  /** `fetch(url + path, init)` with `Authorization: Bearer <token>` added. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
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
  const keys = new InMemoryApiKeyStore();
  const { token } = await keys.create({ accountId: 'acme', role: 'account-admin' });
  @Module({ imports: [GatewayDoubleModule.with(gateway), ApiModule, ApiAuthModule.withStore(keys)] })
  class TestAppModule {}

  const app = configureApp(await NestFactory.create<NestExpressApplication>(TestAppModule, { bodyParser: false, logger: false }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const authorizedFetch = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${url}${path}`, { ...init, headers });
  };
  return { url, app, keys, token, fetch: authorizedFetch, close: () => app.close() };
}
