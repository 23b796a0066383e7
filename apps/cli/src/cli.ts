import { parseArgs } from 'node:util';
import { loadConfig } from '../../../libs/ledger/src/config.js';
import { EXIT } from './exit-codes.js';
import { importFile } from './import-command.js';
import { withLedger } from './ledger-context.js';
import { processOutput, type Output } from './output.js';
import { serve } from './serve-command.js';

interface Subcommand {
  readonly usage: string;
  run(args: string[], out: Output, env: NodeJS.ProcessEnv): Promise<number>;
}

class UsageError extends Error {}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  serve: {
    usage: 'serve                Start the HTTP API on PORT (default 3000)',
    run: async (args, _out, env) => {
      positionals(args, []);
      return serve(loadConfig(env));
    },
  },
  import: {
    usage: 'import FILE.ndjson   Validate every line, then apply them in order; print a JSON summary',
    run: async (args, out, env) => {
      const [file] = positionals(args, ['FILE.ndjson']);
      return withLedger(loadConfig(env), (gateway) => importFile(file, gateway, out));
    },
  },
  help: {
    usage: 'help                 Show this help',
    run: async (_args, out) => {
      out.stdout.write(usage());
      return EXIT.OK;
    },
  },
};

function usage(): string {
  return [
    'Usage: ledger <command> [arguments]',
    '',
    'Commands:',
    ...Object.values(SUBCOMMANDS).map((s) => `  ${s.usage}`),
    '',
    'Environment: EVENTSTORE_URL, DATABASE_URL, LEDGER_DATA_DIR (default ./.ledger), PORT, SESSION_LEASE_SECONDS',
    'Exit codes: 0 ok; 1 failure; 2 bad usage, or malformed import lines (nothing applied); 3 some commands rejected',
    '',
  ].join('\n');
}

/** Exactly the named positional arguments, no options. */
function positionals(args: string[], names: string[]): string[] {
  const { positionals: values } = parseArgs({ args, allowPositionals: true, options: {} });
  if (values.length !== names.length) {
    throw new UsageError(names.length === 0 ? `unexpected argument '${values[0]}'` : `expected ${names.join(' ')}`);
  }
  return values;
}

/** Runs `ledger <command> …` and answers its exit code. */
export async function runCli(argv: readonly string[], out: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') return SUBCOMMANDS.help.run([], out, env);
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  try {
    if (!subcommand) throw new UsageError(`unknown command '${name}'`);
    return await subcommand.run(args, out, env);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      out.stderr.write(`ledger ${name}: ${(error as Error).message}\n\n${usage()}`);
      return EXIT.INVALID_INPUT;
    }
    out.stderr.write(`ledger ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILURE;
  }
}

function isParseArgsError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS_');
}
