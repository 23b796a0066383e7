import { DomainError } from '../../../domain/src/errors.js';
import { RecordingGateway } from '../../../../test/support/recording-gateway.js';
import { importNdjson, malformedLineErrors, splitLines } from './ndjson-import.js';

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of source) lines.push(line);
  return lines;
}

const context = { actor: 'test' };
const login = (userId: string) => JSON.stringify({ type: 'RecordLogin', accountId: 'acme', product: 'KSE', userId });

describe('splitLines', () => {
  it('splits on LF and CRLF, keeping blank lines and a last line without newline', async () => {
    expect(await collect(splitLines(['a\r\n\nb\n', 'c']))).toEqual(['a', '', 'b', 'c']);
  });

  it('joins lines and UTF-8 characters split across chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë"}\n{"x":1}');
    const chunks = [bytes.subarray(0, 12), bytes.subarray(12, 17), bytes.subarray(17)];
    expect(await collect(splitLines(chunks))).toEqual(['{"name":"Zoë"}', '{"x":1}']);
  });

  it('drops a leading byte-order mark', async () => {
    expect(await collect(splitLines(['\uFEFF{}\n']))).toEqual(['{}']);
  });
});

describe('splitLines: the line length limit', () => {
  const tooLong = (line: number) => expect.objectContaining({
    code: 'VALIDATION_FAILED', errors: [{ path: `line ${line}`, message: 'is longer than 10 bytes (IMPORT_MAX_LINE_BYTES); nothing was imported' }],
  });

  test('a whole line over the limit, in bytes (ë is two), is named', async () => {
    expect(await collect(splitLines(['0123456789\n', 'ok'], 10))).toEqual(['0123456789', 'ok']);
    await expect(collect(splitLines(['ok\n', 'ëëëëëë\n'], 10))).rejects.toEqual(tooLong(2));
  });

  test('a line without its end stops the reading as soon as it is over the limit', async () => {
    let read = 0;
    const endless = (function* () {
      yield 'a\n';
      for (;;) {
        read++;
        yield 'xxxx';
      }
    })();
    await expect(collect(splitLines(endless, 10))).rejects.toEqual(tooLong(2));
    expect(read).toBe(3);
  });
});

describe('importNdjson', () => {
  it('numbers lines from 1, counting blank ones', async () => {
    const gateway = new RecordingGateway((c) => ('userId' in c && c.userId === 'u2' ? new DomainError('NOT_FOUND', "user 'u2' not found") : {}));
    const result = await importNdjson(gateway, [`\n${login('u1')}\n\n${login('u2')}\n`], context);
    expect(result).toEqual({
      status: 'applied',
      summary: { accepted: 1, rejected: 1, errors: [{ line: 4, code: 'NOT_FOUND', message: "user 'u2' not found" }] },
    });
  });

  it('applies nothing when any line is malformed, and reports them all', async () => {
    const gateway = new RecordingGateway();
    const result = await importNdjson(gateway, [`${login('u1')}\nnope\n{"type":"RecordLogin","accountId":"acme"}\n`], context);
    expect(gateway.executed).toEqual([]);
    expect(result.status).toBe('malformed');
    if (result.status !== 'malformed') return;
    expect(malformedLineErrors(result.malformed)).toEqual([
      { path: 'line 2', message: expect.stringMatching(/^invalid JSON: /) },
      { path: 'line 3.product', message: 'is required' },
      { path: 'line 3.userId', message: 'is required' },
    ]);
  });

  it('passes an empty source as an empty summary', async () => {
    expect(await importNdjson(new RecordingGateway(), [''], context)).toEqual({
      status: 'applied', summary: { accepted: 0, rejected: 0, errors: [] },
    });
  });
});
