import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { loadConfig, type LedgerConfig } from '../../../libs/platform/src/config.js';
import { withLogScope } from '../../../libs/observability/src/logger.js';
import { ProjectionNotReadyError } from '../../../projections/engine/errors.js';
import { runBesideServer, type RunInServer } from './beside-server.js';
import { configureOutput, runCommand } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { ImportSource } from './import-command.js';
import { localLedger, servedLedger, type LedgerAccess } from './ledger-access.js';
import { processOutput, type Output } from './output.js';
import { ledgerProgram } from './program.js';
import { SpooledSource } from './spooled-source.js';

export interface RunCliOptions {
  /** The ledger to run on (default: the configured one, opened by this process). */
  readonly ledger?: LedgerAccess;
  readonly importSource?: ImportSource;
  /** Run the command in a `ledger serve` holding the embedded data dir, if one does (default: yes). */
  readonly besideServer?: boolean;
}

/** Commands that run inside a `ledger serve` holding the data dir (SPEC §6), by their path under `ledger`. */
const RUN_BESIDE_SERVER = new Set([
  'report',
  'licenses',
  'events',
  'explain',
  'verify',
  'keys',
  'import',
  'projections status',
  'projections rebuild',
  'alerts',
  'webhooks',
]);

/**
 * Runs `ledger …argv` and answers its exit code; a failure is one line on stderr, never a stack trace.
 * Every log line of the command carries one request id (`reqId`), also the correlation id of what it imports.
 */
export function runCli(
  argv: readonly string[],
  out: Output = processOutput,
  env: NodeJS.ProcessEnv = process.env,
  options: RunCliOptions = {},
): Promise<number> {
  return withLogScope({ reqId: randomUUID() }, () => run(argv, out, env, options));
}

async function run(argv: readonly string[], out: Output, env: NodeJS.ProcessEnv, options: RunCliOptions): Promise<number> {
  let opened = options.ledger;
  // Options are checked before the configuration is read and the ledger opened.
  const ledger = () => (opened ??= localLedger(loadConfig(env)));
  const program = ledgerProgram({ out, ledger, importSource: options.importSource, runInServer });
  if (argv.length === 0) {
    configureOutput(program, out).outputHelp();
    return EXIT.OK;
  }
  if (options.besideServer ?? true) {
    program.hook('preAction', async (_program, action) => {
      const code = await besideServer(action, argv, out, () => ledger().config);
      if (code !== null) throw new AnsweredByServer(code);
    });
  }
  try {
    return await runCommand(program, argv, out);
  } catch (error) {
    if (error instanceof AnsweredByServer) return error.exitCode;
    const code = error instanceof ProjectionNotReadyError ? 'PROJECTION_NOT_READY: ' : '';
    out.stderr.write(`ledger ${argv[0]}: ${code}${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILURE;
  }
}

/** The command ran in the server: its exit code, and nothing more to do here. */
class AnsweredByServer extends Error {
  constructor(readonly exitCode: number) {
    super(`answered by the server: exit ${exitCode}`);
  }
}

/** Runs the command in the `ledger serve` holding the embedded data dir, if it is one of those and a server does; else null. */
async function besideServer(action: Command, argv: readonly string[], out: Output, config: () => LedgerConfig): Promise<number | null> {
  const path = [];
  for (let c: Command | null = action; c?.parent; c = c.parent) path.unshift(c.name());
  if (!RUN_BESIDE_SERVER.has(path.join(' ')) && !RUN_BESIDE_SERVER.has(path[0] ?? '')) return null;
  const { databaseUrl, dataDir } = config();
  if (databaseUrl) return null; // PostgreSQL takes any number of processes
  // A file the command reads goes along as the request's body: the import, or a webhook's secret (never in argv).
  if (path.join(' ') === 'webhooks register') {
    const secretFile = action.opts<{ secretFile?: string }>().secretFile;
    if (secretFile === undefined) return null; // the command itself says what is missing
    if (secretFile !== '-') await access(secretFile);
    return runBesideServer(dataDir, argv, out, () => (secretFile === '-' ? process.stdin : createReadStream(secretFile)));
  }
  if (path[0] !== 'import') return runBesideServer(dataDir, argv, out);
  const file = action.processedArgs[0] as string;
  await access(file);
  return runBesideServer(dataDir, argv, out, () => createReadStream(file));
}

/** What a running server does with a command sent over its socket: runs it on its own ledger, as actor `cli`. */
function runInServer(config: LedgerConfig, app: INestApplicationContext): RunInServer {
  return async (argv, out, body) => {
    // An import reads its file twice (to validate, then to apply); the bytes sent arrive once.
    const bytes = new SpooledSource(body);
    try {
      return await runCli(argv, out, {}, { ledger: servedLedger(config, app), importSource: () => bytes.read(), besideServer: false });
    } finally {
      await bytes.dispose();
    }
  };
}
