import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LedgerCommand } from '../../libs/domain/src/commands.js';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';

/** SPEC §7, the public worked example, as validated commands (examples/spec-7-worked-example.ndjson beside the SPEC). */
export function spec7Commands(): LedgerCommand[] {
  const text = readFileSync(resolve('../shared/examples/spec-7-worked-example.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseCommand(JSON.parse(line)) as unknown as LedgerCommand);
}
