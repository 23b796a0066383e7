import { parseArgs } from 'node:util';
import { parseEventsLogRequest, type EventsLogRequest } from '../../../libs/audit/src/events-log-request.js';
import { exportEventLines, readEventsPage } from '../../../libs/audit/src/events-log.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { EventStore } from '../../../libs/event-store/src/event-store.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export const EVENTS_USAGE = 'events --account ID [--after POSITION] [--limit N] [--type T[,T…]] [--stream S] [--from INSTANT] [--to INSTANT] '
  + '[--until POSITION] [--format json|ndjson]\n'
  + '                       Print the account\'s raw events (the same body as GET /v1/accounts/ID/events);\n'
  + '                       --format ndjson: every page, one event a line, after a first line {accountId, untilPosition}';

/** CLI flag → events log parameter. */
const FLAGS = ['after', 'limit', 'type', 'stream', 'from', 'to', 'until'] as const;

/** Runs `work` with the configured event store open; the seam the command is tested through. */
export type WithEventStore = (work: (store: EventStore) => Promise<void>) => Promise<void>;

/** `ledger events …`. Bad flags or parameters → exit 2; an unknown account or stream → exit 1. */
export async function eventsCommand(args: readonly string[], out: Output, withStore: WithEventStore): Promise<number> {
  let accountId: string;
  let ndjson: boolean;
  const parameters: Record<string, string> = {};
  try {
    const options = Object.fromEntries([...FLAGS, 'account', 'format'].map((flag) => [flag, { type: 'string' as const }]));
    const { values } = parseArgs({ args: [...args], options, strict: true });
    if (values.account === undefined) throw new Error('--account ID is required');
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'ndjson') {
      throw new Error(`--format must be json or ndjson, got '${String(values.format)}'`);
    }
    accountId = values.account as string;
    ndjson = values.format === 'ndjson';
    for (const flag of FLAGS) if (typeof values[flag] === 'string') parameters[flag] = values[flag] as string;
  } catch (error) {
    out.stderr.write(`ledger events: ${(error as Error).message}\nUsage: ledger ${EVENTS_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  try {
    const request: EventsLogRequest = parseEventsLogRequest(accountId, parameters, { paged: !ndjson });
    await withStore(async (store) => {
      if (!ndjson) {
        out.stdout.write(`${JSON.stringify(await readEventsPage(store, request), null, 2)}\n`);
        return;
      }
      for await (const line of exportEventLines(store, request)) out.stdout.write(line);
    });
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out.stderr.write(`ledger events: ${error.code}: ${error.message}\n`);
    return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
  }
}
