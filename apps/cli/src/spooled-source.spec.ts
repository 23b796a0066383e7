import { SpooledSource } from './spooled-source.js';

async function text(bytes: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('SpooledSource', () => {
  it('reads a source that can be read only once from its start again, as many times as asked', async () => {
    let reads = 0;
    const once = (async function* () {
      reads++;
      for (let i = 0; i < 1_000; i++) yield Buffer.from(`line ${i} ë\n`);
    })();
    const bytes = new SpooledSource(once);
    const expected = Array.from({ length: 1_000 }, (_, i) => `line ${i} ë\n`).join('');
    try {
      expect(await text(bytes.read())).toBe(expected);
      expect(await text(bytes.read())).toBe(expected);
      expect(await text(bytes.read())).toBe(expected);
      expect(reads).toBe(1);
    } finally {
      await bytes.dispose();
    }
  });

  it('refuses to read again when the first read stopped before the end, rather than give a part of the file', async () => {
    const bytes = new SpooledSource(
      (async function* () {
        yield Buffer.from('a\n');
        yield Buffer.from('b\n');
      })(),
    );
    for await (const chunk of bytes.read()) {
      expect(Buffer.from(chunk).toString()).toBe('a\n');
      break;
    }
    await expect(text(bytes.read())).rejects.toThrow('stopped before the end');
    await bytes.dispose();
  });
});
