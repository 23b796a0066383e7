import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import { loadConfig } from '../../libs/ledger/src/config.js';

/**
 * The HTTP API as `ledger serve` builds it (createApp on the environment's configuration, with
 * its defaults: projections run in the same process, unless BENCH_NO_PROJECTIONS), on a free port of 127.0.0.1, for the latency
 * benchmark. When the app authenticates with API keys, an `account-admin` key is created for each
 * account of BENCH_ACCOUNTS (comma-separated). Prints `{"port": N, "tokens": {account: token}}` on
 * stdout once listening; the message `stop` on the IPC channel closes the app (and its store), so
 * that `--cpu-prof` can write its profile on the way out.
 */
// BENCH_NO_PROJECTIONS: the API alone, as `ledger serve --no-projections` runs it (the write side without read models).
// Logs of warnings and errors only, and no rate limit: the benchmark sends more than a client may.
const options = process.env.BENCH_NO_PROJECTIONS ? { runProjections: false } : {};
const app = await createApp(loadConfig({ LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS: '0', ...process.env }), options);
const tokens = await createKeys((process.env.BENCH_ACCOUNTS ?? '').split(',').filter(Boolean));
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ port, tokens })}\n`);

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= app.close().finally(() => {
    // Whatever still holds the event loop must not keep the benchmark waiting.
    setTimeout(() => process.exit(0), 3_000).unref();
  });
  return stopping;
}

process.on('message', (message) => {
  if (message === 'stop') void stop().finally(() => process.disconnect?.());
});
// The benchmark went away: don't outlive it.
process.on('disconnect', () => void stop());

interface KeyStore {
  create(request: { role: string; accountId: string }): Promise<{ token: string }>;
}

/** Account-admin keys through the app's own key store, if this version of the app has one. */
async function createKeys(accounts: string[]): Promise<Record<string, string>> {
  let keyStoreClass: unknown;
  try {
    // Looked up at run time: the benchmark also runs against versions of the app without API keys.
    const module = (await import(new URL('../../libs/auth/src/api-keys.js', import.meta.url).href)) as { ApiKeyStore?: unknown };
    keyStoreClass = module.ApiKeyStore;
  } catch {
    return {};
  }
  let store: KeyStore;
  try {
    store = app.get(keyStoreClass as abstract new () => KeyStore, { strict: false });
  } catch {
    return {};
  }
  const tokens: Record<string, string> = {};
  for (const accountId of accounts) tokens[accountId] = (await store.create({ role: 'account-admin', accountId })).token;
  return tokens;
}
