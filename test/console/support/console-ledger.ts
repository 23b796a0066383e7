import { resolve } from 'node:path';
import type { LedgerBackend } from '../../support/ledger-backends.js';
import { runLedger } from '../../fault/support/ledger-process.js';
import { createKey, startServer, type LedgerServer } from '../../fault/support/ledger-server.js';

/** SPEC §7, the public worked example. */
export const SPEC_7_EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');

export interface ConsoleLedger {
  readonly url: string;
  readonly tokens: { readonly admin: string; readonly auditor: string; readonly ingest: string; readonly operator: string };
  /** GET on the API with a key: the body as text. */
  api(path: string, token?: string): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

/**
 * A real `ledger serve` (the built CLI, console included) on `backend`, loaded with the SPEC §7
 * example by `ledger import`, with one key per role created by `ledger keys create`.
 */
export async function startConsoleLedger(backend: LedgerBackend): Promise<ConsoleLedger> {
  const env = { PATH: process.env.PATH, ...backend.env };
  const imported = await runLedger(['import', SPEC_7_EXAMPLE], env);
  if (imported.code !== 3) throw new Error(`ledger import of the SPEC §7 example exited ${imported.code}: ${imported.stderr}`);
  const tokens = {
    admin: await createKey(env, 'account-admin', 'acme'),
    auditor: await createKey(env, 'auditor', 'acme'),
    ingest: await createKey(env, 'ingest', 'acme'),
    operator: await createKey(env, 'operator'),
  };
  let server: LedgerServer;
  try {
    server = await startServer(env);
  } catch (error) {
    await backend.remove();
    throw error;
  }
  return {
    url: server.url,
    tokens,
    api: async (path, token = tokens.admin) => {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, text: await response.text() };
    },
    stop: async () => {
      await server.stop();
      await backend.remove();
    },
  };
}
