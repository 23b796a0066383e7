/** The options of a generated history, their defaults and the demo data set's. */

export interface HistoryOptions {
  /** Exactly this many commands are produced (the history stops there). */
  readonly commands: number;
  readonly seed?: number;
  /** Default: one per 20,000 commands. */
  readonly accounts?: number;
  /** Users over all accounts (split unevenly). Default: one per 25 commands. */
  readonly users?: number;
  /** Length of the history in days. Default 90. */
  readonly days?: number;
  /** ISO instant the history ends before; must not be in the future. Default 2026-11-01T00:00:00Z. */
  readonly end?: string;
  /** Give every command a `commandId` (as integrations do for idempotent retries). Default true. */
  readonly commandIds?: boolean;
  /** Account ids are `<prefix>-001`, `<prefix>-002`, … Default `acct`. */
  readonly accountPrefix?: string;
}
export interface ResolvedHistoryOptions {
  readonly commands: number;
  readonly seed: number;
  readonly accounts: number;
  readonly users: number;
  readonly days: number;
  readonly end: string;
  readonly commandIds: boolean;
  readonly accountPrefix: string;
}

export const DEFAULT_END = '2026-11-01T00:00:00Z';

export function resolveHistoryOptions(options: HistoryOptions): ResolvedHistoryOptions {
  const commands = wholeNumber(options.commands, 'commands', 1);
  const accounts = wholeNumber(options.accounts ?? Math.max(1, Math.round(commands / 20_000)), 'accounts', 1);
  const users = wholeNumber(options.users ?? Math.max(accounts * 20, Math.round(commands / 25)), 'users', accounts);
  const days = wholeNumber(options.days ?? 90, 'days', 7);
  const endMs = Date.parse(options.end ?? DEFAULT_END);
  if (Number.isNaN(endMs)) throw new Error(`end must be an ISO instant, got "${options.end}"`);
  if (endMs > Date.now()) throw new Error(`end ${new Date(endMs).toISOString()} is in the future: every command must lie in the past`);
  return {
    commands,
    accounts,
    users,
    days,
    seed: wholeNumber(options.seed ?? 1, 'seed', 0),
    end: new Date(endMs).toISOString(),
    commandIds: options.commandIds ?? true,
    accountPrefix: accountPrefix(options.accountPrefix),
  };
}

function accountPrefix(prefix = 'acct'): string {
  if (!/^[a-z0-9][a-z0-9-]{0,60}$/.test(prefix)) throw new Error(`accountPrefix must be 1–61 lowercase letters, digits or '-', got "${prefix}"`);
  return prefix;
}

/** Commands per demo account by default: about 300 users over 90 days. */
export const DEMO_COMMANDS_PER_ACCOUNT = 20_000;

/**
 * A history to try the ledger on (`ledger demo`): `accounts` accounts (ids `demo-001`, …) over the
 * 90 days before `now`, one user per ~66 commands (300 for the default size).
 */
export function demoHistoryOptions(
  options: {
    readonly accounts?: number;
    readonly seed?: number;
    readonly now?: number;
    readonly commandsPerAccount?: number;
  } = {},
): HistoryOptions {
  const accounts = options.accounts ?? 1;
  const perAccount = options.commandsPerAccount ?? DEMO_COMMANDS_PER_ACCOUNT;
  return {
    commands: accounts * perAccount,
    users: accounts * Math.max(40, Math.round(perAccount / 66)),
    accounts,
    days: 90,
    seed: options.seed ?? 1,
    end: new Date(options.now ?? Date.now()).toISOString(),
    accountPrefix: 'demo',
  };
}

function wholeNumber(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}
