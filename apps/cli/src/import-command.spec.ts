import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { importFile } from './import-command.js';
import { captureOutput as capture } from '../../../test/support/capture-output.js';

const assign = (userId: string) => JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId });

describe('ledger import FILE.ndjson', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-import-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function fileWith(lines: string[]): Promise<string> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.ndjson`);
    await writeFile(file, lines.join('\n'));
    return file;
  }

  it('a line over IMPORT_MAX_LINE_BYTES: exit 2 naming it, nothing applied', async () => {
    const file = await fileWith([assign('u1'), assign('u2'.repeat(100))]);
    const gateway = new RecordingGateway();
    const out = capture();
    expect(await importFile(file, gateway, out, { maxLineBytes: 120 })).toBe(2);
    expect(out.err()).toBe(`${file}: line 2 is longer than 120 bytes (IMPORT_MAX_LINE_BYTES); nothing was imported\n`);
    expect(gateway.executed).toEqual([]);
  });

  it('exits 2 listing every malformed line with its field errors, and applies nothing', async () => {
    const file = await fileWith([
      assign('u1'),
      '{"type": "AssignSeat", "accountId": "acme",',
      '',
      JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KRE', userId: '', seats: 1 }),
      JSON.stringify({ type: 'ExpireSessions', accountId: 'acme' }),
      assign('u2'),
      '[1, 2]',
    ]);
    const out = capture();
    const gateway = new RecordingGateway();

    expect(await importFile(file, gateway, out)).toBe(2);

    expect(gateway.executed).toEqual([]);
    expect(out.out()).toBe('');
    const lines = out.err().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^line 2: invalid JSON: /);
    expect(lines.slice(1)).toEqual([
      'line 4: product must be one of KSE, TESTOPS, KAM (seat products)',
      'line 4: userId must not be empty',
      'line 4: seats is not a field of AssignSeat',
      expect.stringMatching(/^line 5: type unknown command type "ExpireSessions"; expected one of /),
      'line 7: must be a JSON object, not an array',
      `${file}: 4 malformed line(s); nothing was imported`,
    ]);
  });

  it('exits 3 with a summary naming each rejected line, the rest applied', async () => {
    const file = await fileWith([assign('u1'), '', assign('u2'), assign('u3'), '']);
    const gateway = new RecordingGateway((command) =>
      'userId' in command && command.userId === 'u2'
        ? new DomainError('LICENSE_QUOTA_EXCEEDED', 'The number of the licenses cannot exceed the license quota')
        : {},
    );
    const out = capture();

    expect(await importFile(file, gateway, out)).toBe(3);

    expect(gateway.executed.map((c) => ('userId' in c ? c.userId : null))).toEqual(['u1', 'u2', 'u3']);
    const stdoutLines = out.out().trimEnd().split('\n');
    expect(JSON.parse(stdoutLines[stdoutLines.length - 1])).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [{ line: 3, code: 'LICENSE_QUOTA_EXCEEDED', message: 'The number of the licenses cannot exceed the license quota' }],
    });
    expect(out.err()).toContain('line 3: LICENSE_QUOTA_EXCEEDED The number of the licenses cannot exceed the license quota');
  });

  it('exits 0 when every command is accepted, applying them in order, in chunks, as the CLI actor', async () => {
    const file = await fileWith(['u1', 'u2', 'u3', 'u4', 'u5'].map(assign));
    const gateway = new RecordingGateway();
    const out = capture();

    expect(await importFile(file, gateway, out, { chunkSize: 2 })).toBe(0);

    expect(gateway.batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(gateway.contexts[0]).toMatchObject({ actor: 'cli', correlationId: expect.any(String) });
    expect(JSON.parse(out.out())).toEqual({ accepted: 5, rejected: 0, errors: [] });
    expect(out.err()).toBe('');
  });

  it('reports progress on stderr for a long file', async () => {
    const file = await fileWith(Array.from({ length: 10_000 }, (_, i) => assign(`u${i}`)));
    let clock = 0;
    const out = capture();

    expect(await importFile(file, new RecordingGateway(), out, { chunkSize: 2_500, now: () => (clock += 600) })).toBe(0);

    expect(out.err().trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^imported 5000\/10000 commands \(50%, \d+ commands\/s, ETA \d+ s\)$/),
      expect.stringMatching(/^imported 10000\/10000 commands \(100%, \d+ commands\/s, ETA 0 s\)$/),
    ]);
  });

  it('reports the validation of a large file by the share of its bytes read, then the commands applied', async () => {
    const file = await fileWith(Array.from({ length: 20_000 }, (_, i) => assign(`user-with-a-long-name-${i}`)));
    let clock = 0;
    const out = capture();

    expect(await importFile(file, new RecordingGateway(), out, { chunkSize: 5_000, now: () => (clock += 600) })).toBe(0);

    const lines = out.err().trimEnd().split('\n');
    const validated = lines.filter((line) => line.startsWith('validated'));
    expect(validated.length).toBeGreaterThan(0);
    for (const line of validated) expect(line).toMatch(/^validated \d+% of the file \(\d+\.\d\/\d+\.\d MiB, ETA (\d+ s|unknown)\)$/);
    expect(validated.at(-1)).toMatch(/^validated 100% of the file \(.* ETA 0 s\)$/);
    expect(lines.at(-1)).toMatch(/^imported 20000\/20000 commands \(100%/);
    expect(lines.indexOf(validated.at(-1)!)).toBeLessThan(lines.findIndex((line) => line.startsWith('imported')));
  });
});
