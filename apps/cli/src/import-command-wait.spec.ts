import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogPosition } from '../../../libs/event-store/src/event-store.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { importFile } from './import-command.js';

describe('ledger import waits for the projections', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-import-wait-'));
    file = join(dir, 'seats.ndjson');
    await writeFile(
      file,
      ['u1', 'u2', 'u3'].map((userId) => JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId })).join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const positions: Record<string, string> = { u1: '7/2', u2: '9/1', u3: '8/5' };
  const gateway = () => new RecordingGateway((command) => ({ position: positions[(command as { userId: string }).userId] }));

  test('up to the furthest position the import appended, before printing the summary', async () => {
    const out = captureOutput();
    const waited: (LogPosition | null)[] = [];
    const code = await importFile(file, gateway(), out, {
      waitForProjections: async (appended) => {
        waited.push(appended);
        expect(out.out()).toBe('');
      },
    });
    expect(code).toBe(0);
    expect(waited).toEqual([{ commit: 9n, prepare: 1n }]);
    expect(JSON.parse(out.lastLine())).toEqual({ accepted: 3, rejected: 0, errors: [] });
  });

  test('when they cannot catch up: the summary still, the reason on stderr, exit 1', async () => {
    const out = captureOutput();
    const code = await importFile(file, gateway(), out, {
      waitForProjections: async () => {
        throw new Error('projections did not reach position 9/1 within 60000 ms: sessions at 3/1');
      },
    });
    expect(code).toBe(1);
    expect(JSON.parse(out.lastLine())).toEqual({ accepted: 3, rejected: 0, errors: [] });
    expect(out.err()).toContain('the commands were applied, but projections did not reach position 9/1 within 60000 ms: sessions at 3/1');
  });
});
