import { type Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/**
 * The pieces every `ledger` command is built from (commander): a command answers an exit code, its
 * usage errors are one line naming the command, and help goes to stdout. A command module exports a
 * function returning its `Command` (see program.ts for the list); its action calls `answer`.
 */

/** The exit code each root command's last action answered. */
const exitCodes = new WeakMap<Command, number>();

/** A mistake in how the command was called, found after parsing: one line on stderr, exit 2. */
export class UsageError extends Error {}

/** Options a command cannot run without (checked after parsing, so that a misspelt option is named first). */
const required = new WeakSet<Option>();

/** An option that must be given: `(required)` in the help; missing → `required option '--account <id>' not specified`, exit 2. */
export function requiredOption(flags: string, meaning: string): Option {
  const option = new Option(flags, `${meaning} (required)`);
  required.add(option);
  return option;
}

/** The command's action: `run` gets the command (its options and arguments) and answers the exit code. */
export function answer(command: Command, run: (self: Command) => Promise<number>): Command {
  return command.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    const missing = self.options.find((option) => required.has(option) && self.getOptionValue(option.attributeName()) === undefined);
    if (missing)
      self.error(`required option '${missing.flags}' not specified`, { exitCode: EXIT.INVALID_INPUT, code: 'commander.missingMandatoryOptionValue' });
    try {
      exitCodes.set(rootOf(self), await run(self));
    } catch (error) {
      if (error instanceof UsageError) self.error(error.message, { exitCode: EXIT.INVALID_INPUT, code: 'ledger.usage' });
      throw error;
    }
  });
}

/** `--format <format>` limited to `formats`, the first being the default. */
export function formatOption(formats: readonly string[], meaning = 'output format'): Option {
  return new Option('--format <format>', meaning).choices(formats).default(formats[0]);
}

/** `ledger keys create` for the command `create` under `keys` (also when `keys` runs on its own, as in tests). */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names[0] === 'ledger' ? names.join(' ') : ['ledger', ...names].join(' ');
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/**
 * Help on stdout, errors as one line on stderr (`ledger report: unknown option '--acount' (Did you
 * mean --account?)`), never process.exit: applied to `command` and every subcommand.
 */
export function configureOutput(command: Command, out: Output): Command {
  command
    .exitOverride()
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: false, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => out.stdout.write(text),
      writeErr: (text) => out.stderr.write(text),
      outputError: (text, write) => write(`${commandPath(command)}: ${oneLine(text)}\n`),
    });
  for (const sub of command.commands) configureOutput(sub, out);
  return command;
}

/** `error: unknown option '--x'\n(Did you mean --y?)\n` → `unknown option '--x' (Did you mean --y?)`. */
function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/**
 * Runs `command` on `args` (no program name) and answers its exit code: the action's, 0 after help
 * or the version, 2 for bad usage. Other errors propagate.
 */
export async function runCommand(command: Command, args: readonly string[], out: Output): Promise<number> {
  configureOutput(command, out);
  try {
    await command.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
    // Help asked for (`help report`) exits 0; shown for lack of a subcommand (`ledger keys`), it is a usage error.
    return error.exitCode === EXIT.OK ? EXIT.OK : EXIT.INVALID_INPUT;
  }
  return exitCodes.get(command) ?? EXIT.OK;
}

/** The key commander stores an option under: `--page-size <n>` → `pageSize`. */
export function attributeOf(flag: string): string {
  return flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The values of the given options (`[flag, parameter]` pairs) that were set, by parameter name. */
export function optionValues(
  command: Command,
  options: readonly (readonly [flag: string, parameter: string, ...rest: string[]])[],
): Record<string, string> {
  const values = command.opts<Record<string, unknown>>();
  const parameters: Record<string, string> = {};
  for (const [flag, parameter] of options) {
    const value = values[attributeOf(flag)];
    if (typeof value === 'string') parameters[parameter] = value;
  }
  return parameters;
}
