import { once } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHistory, writeHistoryNdjson, type HistoryOptions } from '../../libs/history-generator/src/generate-history.js';

/** The history generator (libs/history-generator) from the command line, for benchmarks. */

const USAGE = `Usage: node dist/test/bench/generate-history.js --commands N --out FILE.ndjson
  [--seed S] [--accounts A] [--users U] [--days D] [--end ISO] [--without-command-ids]
Writes N commands as NDJSON (FILE "-" = stdout); prints a JSON summary on stdout (stderr with --out -).`;

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      commands: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      accounts: { type: 'string' },
      users: { type: 'string' },
      days: { type: 'string' },
      end: { type: 'string' },
      'without-command-ids': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.commands || !values.out) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v.replace(/_/g, '')));
  const options: HistoryOptions = {
    commands: num(values.commands)!,
    seed: num(values.seed),
    accounts: num(values.accounts),
    users: num(values.users),
    days: num(values.days),
    end: values.end,
    commandIds: !values['without-command-ids'],
  };
  if (values.out === '-') {
    const history = createHistory(options);
    for (const command of history.commands) {
      if (!process.stdout.write(`${JSON.stringify(command)}\n`)) await once(process.stdout, 'drain');
    }
    process.stderr.write(`${JSON.stringify({ options: history.options, accounts: history.accounts.length, stats: history.stats })}\n`);
    return 0;
  }
  const written = await writeHistoryNdjson(options, values.out, (done, total, ms) => {
    process.stderr.write(`generated ${done}/${total} commands (${Math.round(done / (ms / 1000))} commands/s)\n`);
  });
  process.stdout.write(`${JSON.stringify({ ...written, accounts: written.accounts.length }, null, 2)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`generate-history: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
