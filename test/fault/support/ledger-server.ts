import { createServer } from 'node:net';
import { pollUntil, runLedger, startLedger, type NodeProcess } from './ledger-process.js';

export interface LedgerServer {
  readonly url: string;
  readonly process: NodeProcess;
  /** SIGTERM, then waits for the process to end. */
  stop(): Promise<void>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The parsed body when it is JSON. */
  readonly body: any;
}

/** A TCP port nothing listens on right now (loopback). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** `ledger serve` as a real process on a free port; resolves once `/health` answers. */
export async function startServer(env: NodeJS.ProcessEnv, options: { projections?: boolean } = {}): Promise<LedgerServer> {
  const port = await freePort();
  const args = options.projections === false ? ['serve', '--no-projections'] : ['serve'];
  const server = startLedger(args, { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  let ended = false;
  void server.exited.then(() => (ended = true));
  await pollUntil(
    `the server on port ${port} to answer /health`,
    async () => {
      if (ended) throw new Error(`ledger serve ended before it answered: ${server.stderr()}`);
      try {
        return (await fetch(`${url}/health`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    60_000,
    100,
  );
  return {
    url,
    process: server,
    stop: async () => {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await server.exited;
      clearTimeout(timer);
    },
  };
}

/** `ledger keys create`: the token (the last line of its output). */
export async function createKey(env: NodeJS.ProcessEnv, role: string, accountId?: string): Promise<string> {
  const args = ['keys', 'create', '--role', role, ...(accountId === undefined ? [] : ['--account', accountId])];
  const { code, stdout, stderr } = await runLedger(args, env);
  if (code !== 0) throw new Error(`ledger ${args.join(' ')} failed (${code}): ${stderr}`);
  return stdout.trim().split('\n').at(-1)!.trim();
}

/** One HTTP request with a bearer token and an optional JSON body. */
export async function call(url: string, token: string | null, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let parsed: unknown = undefined;
  if (contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, contentType, text, body: parsed };
}
