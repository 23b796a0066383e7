import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { SqlApiKeyStore } from '../../../libs/auth/src/sql-api-key-store.js';
import { accountStreamId } from '../../../libs/domain/src/streams.js';
import type { EventStore, LogPosition } from '../../../libs/event-store/src/event-store.js';
import {
  createHistory, DEMO_COMMANDS_PER_ACCOUNT, demoHistoryOptions, type History,
} from '../../../libs/history-generator/src/generate-history.js';
import type { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { importNdjson } from '../../../libs/ledger/src/import/ndjson-import.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { EXIT } from './exit-codes.js';
import { isParseArgsError } from './parse-args-error.js';
import { progressReporter } from './import-command.js';
import type { Output } from './output.js';
import { PositionTrackingGateway } from './position-tracking-gateway.js';

export const DEMO_USAGE = 'demo [--accounts N] [--seed S] [--commands N]\n'
  + '                       Load a generated history of the last 90 days (accounts demo-001, …; about 300\n'
  + `                       users and ${DEMO_COMMANDS_PER_ACCOUNT} commands each), create an account-admin key for demo-001\n`
  + '                       and print commands that show its reports';

interface DemoOptions {
  readonly accounts: number;
  readonly seed: number;
  readonly commandsPerAccount: number;
}

class DemoUsageError extends Error {}

export function parseDemoArguments(args: readonly string[]): DemoOptions {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true, strict: true,
    options: { accounts: { type: 'string' }, seed: { type: 'string' }, commands: { type: 'string' } },
  });
  if (positionals.length > 0) throw new DemoUsageError(`unexpected argument '${positionals[0]}'`);
  return {
    accounts: wholeNumber(values.accounts, '--accounts', 1, 1, 20),
    seed: wholeNumber(values.seed, '--seed', 1, 0, 2 ** 31 - 1),
    commandsPerAccount: wholeNumber(values.commands, '--commands', DEMO_COMMANDS_PER_ACCOUNT, 2_000, 1_000_000),
  };
}

function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new DemoUsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** Runs `work` on the ledger with its projections running, as `ledger import` does. */
export type DemoLedger = <T>(work: (gateway: CommandGateway, context: INestApplicationContext) => Promise<T>) => Promise<T>;

/**
 * `ledger demo`: the generated history through the normal import path (waiting for the projections),
 * a fresh account-admin key, and ready-to-paste commands. A second run finds the demo account and
 * only makes a new key.
 */
export async function demoCommand(
  args: readonly string[], out: Output, config: LedgerConfig, ledger: DemoLedger,
  waitForProjections: (context: INestApplicationContext, appended: LogPosition | null) => Promise<void>,
): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArguments(args);
  } catch (error) {
    if (!(error instanceof DemoUsageError) && !isParseArgsError(error)) throw error;
    out.stderr.write(`ledger demo: ${(error as Error).message}\n\n  ${DEMO_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  const history = createHistory(demoHistoryOptions({ ...options, now: Date.now() - 60_000 }));
  const account = history.accounts[0];
  return ledger(async (gateway, context) => {
    if ((await context.get<EventStore>(EVENT_STORE).readStream(accountStreamId(account.accountId), 0n, 1)).length > 0) {
      out.stderr.write(`account ${account.accountId} exists already: the demo history was loaded before; only a new key is made\n`);
    } else {
      await load(history, gateway, out, (appended) => waitForProjections(context, appended));
    }
    const keys = await SqlApiKeyStore.open(context.get<LedgerDatabase>(LEDGER_DATABASE));
    const { token } = await keys.create({ accountId: account.accountId, role: 'account-admin' });
    out.stdout.write(tryIt(account, token, config.port));
    return EXIT.OK;
  });
}

async function load(
  history: History, gateway: CommandGateway, out: Output, waitForProjections: (appended: LogPosition | null) => Promise<void>,
): Promise<void> {
  const { accounts, options } = history;
  out.stderr.write(`loading ${options.commands} commands: ${accounts.map((a) => `${a.accountId} (${a.users} users, ${a.timezone})`).join(', ')}; `
    + `${options.days} days up to now…\n`);
  const tracking = new PositionTrackingGateway(gateway);
  const lines = (function* () {
    for (const command of history.commands) yield `${JSON.stringify(command)}\n`;
  })();
  const result = await importNdjson(tracking, lines, { actor: 'cli', correlationId: randomUUID() }, { onProgress: progressReporter(out, Date.now) });
  if (result.status === 'malformed') throw new Error(`the generated history has ${result.malformed.length} malformed line(s), e.g. line ${result.malformed[0].line}`);
  const expected = Object.values(history.stats.expectedRejections).reduce((a, b) => a + b, 0);
  out.stderr.write(`${result.summary.accepted} commands accepted, ${result.summary.rejected} refused `
    + `(${expected} on purpose: sessions denied at capacity, a seat assigned twice, a heartbeat after its lease)\n`);
  out.stderr.write('folding the history into the reports…\n');
  await waitForProjections(tracking.lastPosition);
}

/** The key and commands whose answers have numbers in them (the account's first 90 days, local dates). */
function tryIt(account: History['accounts'][number], token: string, port: number): string {
  const today = DateTime.now().setZone(account.timezone);
  const from = today.minus({ days: 89 }).toISODate();
  const to = today.toISODate();
  const id = account.accountId;
  const api = `http://localhost:${port}/v1/accounts/${id}`;
  return [
    '',
    `Demo account: ${id} (${account.users} users, time zone ${account.timezone})`,
    `API key (account-admin, shown only now): ${token}`,
    '',
    'Try (on the embedded store, stop `npm start` before `npx ledger …`: one process at a time):',
    `  npx ledger report seat-history --account ${id} --product KSE --from ${from} --to ${to} --interval month`,
    `  npx ledger report seat-usage --account ${id} --product KSE --from ${from} --to ${to} --interval week --group-by org`,
    '  npm start   # then, in another terminal:',
    `  curl -H "Authorization: Bearer ${token}" "${api}/reports/session-usage?product=KRE&from=${from}&to=${to}&interval=week"`,
    `  curl -H "Authorization: Bearer ${token}" "${api}/licenses"`,
    '',
  ].join('\n');
}
