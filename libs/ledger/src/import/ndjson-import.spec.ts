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
  const tooLong = (line: number) =>
    expect.objectContaining({
      code: 'VALIDATION_FAILED',
      errors: [{ path: `line ${line}`, message: 'is longer than 10 bytes (IMPORT_MAX_LINE_BYTES); nothing was imported' }],
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
    const result = await importNdjson(gateway, () => [`\n${login('u1')}\n\n${login('u2')}\n`], context);
    expect(result).toEqual({
      status: 'applied',
      summary: { accepted: 1, rejected: 1, errors: [{ line: 4, code: 'NOT_FOUND', message: "user 'u2' not found" }] },
    });
  });

  it('applies nothing when any line is malformed, and reports them all', async () => {
    const gateway = new RecordingGateway();
    const result = await importNdjson(gateway, () => [`${login('u1')}\nnope\n{"type":"RecordLogin","accountId":"acme"}\n`], context);
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
    expect(await importNdjson(new RecordingGateway(), () => [''], context)).toEqual({
      status: 'applied',
      summary: { accepted: 0, rejected: 0, errors: [] },
    });
  });
});

describe('importNdjson: streaming', () => {
  /** A source of `count` lines, one chunk each, produced only when read; counts what each read has produced. */
  function generated(count: number, lineAt: (i: number) => string = (i) => login(`u${i}`)) {
    const produced: number[] = [];
    const open = () => {
      const pass = produced.push(0) - 1;
      return (function* () {
        for (let i = 0; i < count; i++) {
          produced[pass]++;
          yield `${lineAt(i)}\n`;
        }
      })();
    };
    return { open, produced };
  }

  it('validates the whole source, then reads it again and applies it, holding the chunk applied and at most the next one', async () => {
    const source = generated(10_000);
    const gateway = new RecordingGateway();
    const heldAtEachChunk: number[] = [];
    const executeMany = gateway.executeMany.bind(gateway);
    gateway.executeMany = (commands, ctx) => {
      // Lines read by the applying pass and not yet applied: this chunk, and at most the next one, read meanwhile.
      heldAtEachChunk.push(source.produced[1] - gateway.executed.length);
      expect(source.produced[0]).toBe(10_000);
      return executeMany(commands, ctx);
    };
    const progress: { done: number; total: number }[] = [];

    const result = await importNdjson(gateway, source.open, context, { chunkSize: 500, keepUpTo: 2_000, onProgress: (p) => progress.push(p) });

    expect(result).toEqual({ status: 'applied', summary: { accepted: 10_000, rejected: 0, errors: [] } });
    expect(source.produced).toEqual([10_000, 10_000]);
    expect(heldAtEachChunk).toHaveLength(20);
    expect(Math.max(...heldAtEachChunk)).toBeLessThanOrEqual(2 * 500);
    expect(progress.slice(0, 2)).toEqual([
      { done: 0, total: 10_000 },
      { done: 500, total: 10_000 },
    ]);
    expect(progress.at(-1)).toEqual({ done: 10_000, total: 10_000 });
  });

  it('a source of no more commands than it keeps is read once, and applied in order', async () => {
    const source = generated(2_000);
    const gateway = new RecordingGateway();
    const result = await importNdjson(gateway, source.open, context, { chunkSize: 500, keepUpTo: 2_000 });
    expect(result).toEqual({ status: 'applied', summary: { accepted: 2_000, rejected: 0, errors: [] } });
    expect(source.produced).toEqual([2_000]);
    expect(gateway.executed.map((c) => ('userId' in c ? c.userId : null))).toEqual(Array.from({ length: 2_000 }, (_, i) => `u${i}`));
  });

  it('a malformed last line: the source is read once, nothing applied', async () => {
    const source = generated(3_000, (i) => (i === 2_999 ? '{"type":"RecordLogin"' : login(`u${i}`)));
    const gateway = new RecordingGateway();
    const result = await importNdjson(gateway, source.open, context, { chunkSize: 500 });
    expect(result.status).toBe('malformed');
    expect(source.produced).toEqual([3_000]);
    expect(gateway.executed).toEqual([]);
  });

  it('fails, naming the line, when the source changed between validating and applying it', async () => {
    let opened = 0;
    const open = () => (++opened === 1 ? [`${login('u1')}\n${login('u2')}\n`] : [`${login('u1')}\nnope\n`]);
    await expect(importNdjson(new RecordingGateway(), open, context, { keepUpTo: 1 })).rejects.toThrow('line 2 changed while the file was imported');
  });
});
