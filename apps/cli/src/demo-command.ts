import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { SqlApiKeyStore } from '../../../libs/auth/src/sql-api-key-store.js';
import { accountStreamId } from '../../../libs/domain/src/streams.js';
import type { EventStore, LogPosition } from '../../../libs/event-store/src/event-store.js';
import { createHistory, DEMO_COMMANDS_PER_ACCOUNT, demoHistoryOptions, type History } from '../../../libs/history-generator/src/generate-history.js';
import type { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { importNdjson } from '../../../libs/ledger/src/import/ndjson-import.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { EXIT } from './exit-codes.js';
import { answer } from './command-kit.js';
import type { LedgerAccess } from './ledger-access.js';
import { waitForProjections } from './projections-command.js';
import { progressReporter } from './import-command.js';
import type { Output } from './output.js';
import { PositionTrackingGateway } from './position-tracking-gateway.js';

interface DemoOptions {
  readonly accounts: number;
  readonly seed: number;
  readonly commandsPerAccount: number;
}

function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}

/**
 * `ledger demo`: the generated history through the normal import path (waiting for the projections),
 * a fresh account-admin key, and ready-to-paste commands. A second run finds the demo account and
 * only makes a new key.
 */
export function demoCommand(out: Output, ledger: () => LedgerAccess): Command {
  const command = new Command('demo')
    .summary('load a generated 90-day history (demo-001, …) and print an API key and commands to try')
    .description(
      `Load a generated history of the last 90 days (accounts demo-001, …; about 300 users and ${DEMO_COMMANDS_PER_ACCOUNT} commands each), ` +
        'create an account-admin key for demo-001 and print commands that show its reports.',
    )
    .option('--accounts <n>', 'accounts to generate, 1 to 20', wholeNumber('--accounts', 1, 20), 1)
    .option('--seed <n>', 'seed of the generator: the same seed, the same history', wholeNumber('--seed', 0, 2 ** 31 - 1), 1)
    .option('--commands <n>', 'commands an account', wholeNumber('--commands', 2_000, 1_000_000), DEMO_COMMANDS_PER_ACCOUNT);
  return answer(command, async (self) => {
    const { accounts, seed, commands } = self.opts<{ accounts: number; seed: number; commands: number }>();
    const access = ledger();
    return runDemo({ accounts, seed, commandsPerAccount: commands }, out, access.config, access);
  });
}

async function runDemo(options: DemoOptions, out: Output, config: LedgerConfig, access: LedgerAccess): Promise<number> {
  const history = createHistory(demoHistoryOptions({ ...options, now: Date.now() - 60_000 }));
  const account = history.accounts[0];
  return access.open(
    async ({ gateway, context }) => {
      if ((await context.get<EventStore>(EVENT_STORE).readStream(accountStreamId(account.accountId), 0n, 1)).length > 0) {
        out.stderr.write(`account ${account.accountId} exists already: the demo history was loaded before; only a new key is made\n`);
      } else {
        await load(history, gateway, out, (appended) => waitForProjections(context, appended, out));
      }
      const keys = await SqlApiKeyStore.open(context.get<LedgerDatabase>(LEDGER_DATABASE));
      const { token } = await keys.create({ accountId: account.accountId, role: 'account-admin' });
      out.stdout.write(tryIt(account, token, config.port));
      return EXIT.OK;
    },
    { runProjections: true },
  );
}

async function load(
  history: History,
  gateway: CommandGateway,
  out: Output,
  waitForProjections: (appended: LogPosition | null) => Promise<void>,
): Promise<void> {
  const { accounts, options } = history;
  out.stderr.write(
    `loading ${options.commands} commands: ${accounts.map((a) => `${a.accountId} (${a.users} users, ${a.timezone})`).join(', ')}; ` +
      `${options.days} days up to now…\n`,
  );
  const tracking = new PositionTrackingGateway(gateway);
  const lines = function* () {
    for (const command of history.commands) yield `${JSON.stringify(command)}\n`;
  };
  const result = await importNdjson(tracking, lines, { actor: 'cli', correlationId: randomUUID() }, { onProgress: progressReporter(out, Date.now) });
  if (result.status === 'malformed')
    throw new Error(`the generated history has ${result.malformed.length} malformed line(s), e.g. line ${result.malformed[0].line}`);
  const expected = Object.values(history.stats.expectedRejections).reduce((a, b) => a + b, 0);
  out.stderr.write(
    `${result.summary.accepted} commands accepted, ${result.summary.rejected} refused ` +
      `(${expected} on purpose: sessions denied at capacity, a seat assigned twice, a heartbeat after its lease)\n`,
  );
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
    'Try (`npx ledger …` works beside a running `npm start`: it goes through the server):',
    `  npx ledger report seat-history --account ${id} --product KSE --from ${from} --to ${to} --interval month`,
    `  npx ledger report seat-usage --account ${id} --product KSE --from ${from} --to ${to} --interval week --group-by org`,
    '  npm start   # then, in another terminal:',
    `  curl -H "Authorization: Bearer ${token}" "${api}/reports/session-usage?product=KRE&from=${from}&to=${to}&interval=week"`,
    `  curl -H "Authorization: Bearer ${token}" "${api}/licenses"`,
    '',
  ].join('\n');
}
