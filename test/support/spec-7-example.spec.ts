import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';
import { spec7Commands, spec7Ndjson } from './spec-7-example.js';

/** The fixture the tests share is the SPEC's worked example, command for command. */
describe('the SPEC §7 fixture', () => {
  const lines = readFileSync(resolve('../shared/examples/spec-7-worked-example.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');

  test('has every command of examples/spec-7-worked-example.ndjson, in order, field for field', () => {
    expect(lines).toHaveLength(39);
    expect(spec7Commands()).toEqual(lines.map((line) => parseCommand(JSON.parse(line))));
  });

  test('its NDJSON form reads back as the same commands', () => {
    const ours = spec7Ndjson()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
    expect(ours).toEqual(lines.map((line) => JSON.parse(line) as unknown));
  });
});
