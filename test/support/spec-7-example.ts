import type { LedgerCommand } from '../../libs/domain/src/commands.js';
import { spec7Example } from '../../libs/domain/src/testing/spec-7-example.js';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';

/** SPEC §7, the public worked example, as validated commands (the domain's fixture, libs/domain/src/testing/spec-7-example.ts). */
export function spec7Commands(): LedgerCommand[] {
  return spec7Example().map((command) => parseCommand(command) as unknown as LedgerCommand);
}

/** The example as NDJSON, one command a line, as `ledger import` and `POST /v1/import` take it. */
export function spec7Ndjson(): string {
  return spec7Example()
    .map((command) => `${JSON.stringify(command)}\n`)
    .join('');
}
