import { Command } from 'commander';
import { parseEventsLogRequest, type EventsLogRequest } from '../../../libs/audit/src/events-log-request.js';
import type { EventsLogPage } from '../../../libs/audit/src/events-log.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/** Reads the events log; the seam the command is tested through (the event store, opened here or by a server). */
export interface EventsLog {
  page(request: EventsLogRequest): Promise<EventsLogPage>;
  /** Every matching event, one NDJSON line each, after a first line {accountId, untilPosition}. */
  export(request: EventsLogRequest, write: (line: string) => void): Promise<void>;
}

/** CLI option → events log parameter. */
const OPTIONS: readonly (readonly [flag: string, parameter: string, meaning: string])[] = [
  ['--after <position>', 'after', 'exclusive COMMIT/PREPARE cursor: nextAfter of the previous page'],
  ['--limit <n>', 'limit', 'events a page (default 100, at most 1000)'],
  ['--type <types>', 'type', 'comma-separated event types, e.g. SeatAssigned,SeatUnassigned'],
  ['--stream <stream>', 'stream', "the account's own stream, account-<id>"],
  ['--from <instant>', 'from', 'events that occurred at or after this ISO instant'],
  ['--to <instant>', 'to', 'events that occurred before this ISO instant'],
  ['--until <position>', 'until', 'read the log as it stood at this position (regenerates an earlier answer exactly)'],
];

/** `ledger events …`. Bad options or parameters → exit 2; an unknown account or stream → exit 1. */
export function eventsCommand(out: Output, open: (work: (log: EventsLog) => Promise<void>) => Promise<void>): Command {
  const command = new Command('events')
    .summary("print an account's raw events: the body of GET /v1/accounts/ID/events")
    .description("Print the account's raw events in log order, with their metadata, paged by position (the same body as GET /v1/accounts/ID/events).")
    .addOption(requiredOption('--account <id>', 'the account'));
  for (const [flag, , meaning] of OPTIONS) command.option(flag, meaning);
  command.addOption(
    formatOption(['json', 'ndjson'], 'json: one page; ndjson: every page, one event a line, after a first line {accountId, untilPosition}'),
  );
  return answer(command, async (self) => {
    const values = self.opts<{ account: string; format: 'json' | 'ndjson' }>();
    const parameters = optionValues(self, OPTIONS);
    const ndjson = values.format === 'ndjson';
    try {
      const request = parseEventsLogRequest(values.account, parameters, { paged: !ndjson });
      await open(async (log) => {
        if (ndjson) await log.export(request, (line) => out.stdout.write(line));
        else out.stdout.write(`${JSON.stringify(await log.page(request), null, 2)}\n`);
      });
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out.stderr.write(`ledger events: ${error.code}: ${error.message}\n`);
      return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    }
  });
}
