import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/**
 * The embedded store allows one process (libs/database/src/data-dir-lock.ts). While `ledger serve`
 * holds a data dir, the other `ledger` commands on it run inside that server instead: the CLI sends
 * its arguments (and an import's file) as HTTP over a Unix socket in the data dir, mode 0600 so only
 * its owner can connect, and the server runs the same command on its open ledger, as actor `cli`,
 * streaming the command's stdout, stderr and exit code back. Output and exit codes are therefore
 * those of the command run directly.
 *
 * Protocol: `POST /v1/cli/run`, header `Ledger-Argv` (base64url of the JSON argv), the body an
 * import's file (else empty); the answer NDJSON: `{"stdout":"…"}` / `{"stderr":"…"}` frames as they
 * come, then `{"exit":N}`.
 */

/** The socket's file in the data dir. */
export const SOCKET_FILE = 'ledger.sock';
const RUN_PATH = '/v1/cli/run';
const ARGV_HEADER = 'ledger-argv';

/** Runs `argv` in the server, writing to `out`, with `body` as the bytes of an import's file. */
export type RunInServer = (argv: readonly string[], out: Output, body: AsyncIterable<Uint8Array>) => Promise<number>;

export interface BesideServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on `<dataDir>/ledger.sock` (mode 0600). The caller holds the data dir's lock, so a socket
 * file already there was left by a server that died: it is replaced.
 */
export async function listenBeside(dataDir: string, run: RunInServer): Promise<BesideServer> {
  const path = join(dataDir, SOCKET_FILE);
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((req, res) => void answer(req, res, run));
  // The socket is created with no permission for others from the start, not only after a chmod.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).finally(() => {
        if (existsSync(path)) unlinkSync(path);
      }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, run: RunInServer): Promise<void> {
  const argv = req.method === 'POST' && req.url === RUN_PATH ? decodeArgv(req.headers[ARGV_HEADER]) : null;
  if (argv === null) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`only POST ${RUN_PATH} with a ${ARGV_HEADER} header\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  const frame = (value: object) => {
    if (!res.destroyed) res.write(`${JSON.stringify(value)}\n`);
  };
  const out: Output = {
    stdout: { write: (text: string) => frame({ stdout: text }) },
    stderr: { write: (text: string) => frame({ stderr: text }) },
  };
  let code: number;
  try {
    code = await run(argv, out, req);
  } catch (error) {
    out.stderr.write(`ledger ${argv[0] ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    code = EXIT.FAILURE;
  }
  frame({ exit: code });
  res.end();
}

function decodeArgv(header: string | string[] | undefined): string[] | null {
  if (typeof header !== 'string') return null;
  try {
    const argv: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? argv : null;
  } catch {
    return null;
  }
}

/**
 * Runs `argv` in the server that listens in `dataDir`, if one does: its exit code, or null when no
 * server answers there (no socket, or one left by a server that is gone), so the command runs here.
 */
export async function runBesideServer(
  dataDir: string,
  argv: readonly string[],
  out: Output,
  body?: () => AsyncIterable<Uint8Array>,
): Promise<number | null> {
  const socketPath = join(dataDir, SOCKET_FILE);
  if (!existsSync(socketPath)) return null;
  const response = await new Promise<IncomingMessage | null>((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: RUN_PATH,
        method: 'POST',
        headers: { [ARGV_HEADER]: Buffer.from(JSON.stringify(argv)).toString('base64url'), 'content-type': 'application/octet-stream' },
      },
      resolve,
    );
    req.once('error', (error: NodeJS.ErrnoException) => {
      if (!req.reusedSocket && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) resolve(null);
      else reject(new Error(`the ledger server on ${socketPath} failed to answer: ${error.message}`));
    });
    void send(req, body?.()).catch((error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  if (response === null) return null;
  if (response.statusCode !== 200) throw new Error(`the ledger server on ${socketPath} answered ${response.statusCode}`);
  return relay(response, out, socketPath);
}

async function send(req: ReturnType<typeof request>, body: AsyncIterable<Uint8Array> | undefined): Promise<void> {
  if (body) {
    for await (const chunk of body) {
      if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve));
    }
  }
  req.end();
}

/** Writes the server's frames to `out` as they come; answers the exit code. */
async function relay(response: IncomingMessage, out: Output, socketPath: string): Promise<number> {
  let pending = '';
  let exit: number | null = null;
  const apply = (line: string) => {
    if (line === '') return;
    const frame = JSON.parse(line) as { stdout?: string; stderr?: string; exit?: number };
    if (frame.stdout !== undefined) out.stdout.write(frame.stdout);
    if (frame.stderr !== undefined) out.stderr.write(frame.stderr);
    if (frame.exit !== undefined) exit = frame.exit;
  };
  response.setEncoding('utf8');
  for await (const chunk of response as AsyncIterable<string>) {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(apply);
  }
  apply(pending);
  if (exit === null) throw new Error(`the ledger server on ${socketPath} stopped before the command ended`);
  return exit;
}
