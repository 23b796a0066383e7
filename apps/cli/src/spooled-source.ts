import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * A stream of bytes that can only be read once (an import's file sent to a running server), made
 * readable again from its start: the first read passes the bytes on while writing them to a
 * temporary file, later reads come from that file. Memory holds one chunk at a time, whatever the size.
 */
export class SpooledSource {
  readonly #source: AsyncIterable<Uint8Array>;
  #dir: Promise<string> | null = null;
  #spooled: Promise<string> | null = null;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  /** The bytes from the start: the source itself the first time, the spooled copy afterwards (once the first read has ended). */
  read(): AsyncIterable<Uint8Array> {
    if (this.#spooled) return this.#fromSpool(this.#spooled);
    const spooled = this.#spool();
    this.#spooled = spooled.file;
    return spooled.bytes;
  }

  /** Removes the temporary file. */
  async dispose(): Promise<void> {
    const dir = await this.#dir?.catch(() => null);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  #spool(): { bytes: AsyncIterable<Uint8Array>; file: Promise<string> } {
    let done!: (file: string) => void;
    let failed!: (error: unknown) => void;
    const file = new Promise<string>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    file.catch(() => undefined); // reported to whoever reads the spool again
    this.#dir = mkdtemp(join(tmpdir(), 'ledger-import-'));
    const dir = this.#dir;
    const source = this.#source;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      const path = join(await dir, 'body.ndjson');
      const copy = createWriteStream(path);
      try {
        for await (const chunk of source) {
          if (!copy.write(chunk)) await drained(copy);
          yield chunk;
        }
        copy.end();
        await finished(copy);
        done(path);
      } catch (error) {
        copy.destroy();
        failed(error);
        throw error;
      } finally {
        // Abandoned before its end: what was spooled is not the whole source.
        failed(new Error('the first read of the import stopped before the end of its bytes'));
        copy.destroy();
      }
    }
    return { bytes: bytes(), file };
  }

  async *#fromSpool(file: Promise<string>): AsyncGenerator<Uint8Array> {
    yield* createReadStream(await file);
  }
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('drain', resolve);
    stream.once('error', reject);
  });
}
