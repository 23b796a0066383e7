/**
 * The command index of an account state (`AccountState.commands`: commandId → the revisions its events
 * occupy) in a snapshot. A busy account has one entry per command ever sent with an id — millions —
 * and building a Map of them is most of the cost of reading a snapshot back. So a snapshot keeps them
 * packed (every id in one string, their lengths, the revisions as varints), and a restored state gets
 * a `PackedCommandIndex`: a Map that answers from the packed form through a hash table built in one
 * pass, and holds as Map entries only the commands added after the snapshot.
 */

export interface CommandSpan {
  readonly firstRevision: bigint;
  count: number;
}

/** The packed form, as it travels in a snapshot's JSON. */
export interface PackedCommands {
  /** Every commandId, in the index's order, one after the other. */
  readonly ids: string;
  /** base64 of a Uint16Array: the length of each id. */
  readonly lengths: string;
  /** base64 of varints: per command, the gap from the previous command's last revision (zigzag), then its count. */
  readonly runs: string;
}

export function packCommands(commands: ReadonlyMap<string, CommandSpan>): PackedCommands {
  const ids: string[] = [];
  const lengths = new Uint16Array(commands.size);
  const runs: number[] = [];
  let next = 0;
  let i = 0;
  for (const [commandId, { firstRevision, count }] of commands) {
    if (commandId.length > 0xffff) throw new RangeError(`commandId of ${commandId.length} characters does not fit a snapshot`);
    const first = Number(firstRevision);
    if (!Number.isSafeInteger(first)) throw new RangeError(`revision ${firstRevision} does not fit a snapshot`);
    ids.push(commandId);
    lengths[i++] = commandId.length;
    const gap = first - next;
    pushVarint(runs, gap >= 0 ? 2 * gap : -2 * gap - 1);
    pushVarint(runs, count);
    next = first + count;
  }
  return {
    ids: ids.join(''),
    lengths: Buffer.from(lengths.buffer, lengths.byteOffset, lengths.byteLength).toString('base64'),
    runs: Buffer.from(runs).toString('base64'),
  };
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) + 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/**
 * A Map of commandId → span over a packed index; adding keeps Map semantics (order included), forgetting
 * is not supported. Read it through its methods: what copies a Map's internal entries directly
 * (`structuredClone`, v8 serialization) sees only the commands added after the snapshot.
 */
export class PackedCommandIndex extends Map<string, CommandSpan> {
  private readonly ids: string;
  private readonly starts: Uint32Array;
  private readonly firsts: Float64Array;
  private readonly counts: Float64Array;
  private readonly slots: Uint32Array;
  /** Spans of packed commands handed out or replaced, by position: the object given out stays the one kept. */
  private readonly spans = new Map<number, CommandSpan>();

  constructor(packed: PackedCommands) {
    super();
    const bytes = Buffer.from(packed.lengths, 'base64');
    const lengths = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const n = lengths.length;
    this.ids = packed.ids;
    this.starts = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.starts[i + 1] = this.starts[i] + lengths[i];
    if (this.starts[n] !== packed.ids.length) throw new RangeError('packed commandIds do not match their lengths');
    [this.firsts, this.counts] = readRuns(Buffer.from(packed.runs, 'base64'), n);
    let size = 2;
    while (size < 2 * n) size *= 2;
    this.slots = new Uint32Array(size);
    for (let i = 0; i < n; i++) {
      let h = hash(this.ids, this.starts[i], this.starts[i + 1]) & (size - 1);
      while (this.slots[h] !== 0) h = (h + 1) & (size - 1);
      this.slots[h] = i + 1;
    }
  }

  override get size(): number {
    return this.firsts.length + super.size;
  }

  override has(commandId: string): boolean {
    return this.find(commandId) >= 0 || super.has(commandId);
  }

  override get(commandId: string): CommandSpan | undefined {
    const i = this.find(commandId);
    return i < 0 ? super.get(commandId) : this.spanAt(i);
  }

  override set(commandId: string, span: CommandSpan): this {
    const i = this.find(commandId);
    if (i < 0) super.set(commandId, span);
    else this.spans.set(i, span);
    return this;
  }

  override delete(): boolean {
    throw new Error('an account forgets no command: its command index is only added to');
  }

  override clear(): void {
    throw new Error('an account forgets no command: its command index is only added to');
  }

  override *entries(): MapIterator<[string, CommandSpan]> {
    for (let i = 0; i < this.firsts.length; i++) yield [this.ids.slice(this.starts[i], this.starts[i + 1]), this.spanAt(i)];
    yield* super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, CommandSpan]> {
    return this.entries();
  }

  override *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<CommandSpan> {
    for (const [, value] of this.entries()) yield value;
  }

  override forEach(callback: (value: CommandSpan, key: string, map: Map<string, CommandSpan>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  private spanAt(i: number): CommandSpan {
    let span = this.spans.get(i);
    if (!span) {
      span = { firstRevision: BigInt(this.firsts[i]), count: this.counts[i] };
      this.spans.set(i, span);
    }
    return span;
  }

  private find(commandId: string): number {
    const mask = this.slots.length - 1;
    for (let h = hash(commandId, 0, commandId.length) & mask; this.slots[h] !== 0; h = (h + 1) & mask) {
      const i = this.slots[h] - 1;
      if (this.starts[i + 1] - this.starts[i] === commandId.length && this.ids.startsWith(commandId, this.starts[i])) return i;
    }
    return -1;
  }
}

function readRuns(bytes: Uint8Array, n: number): [Float64Array, Float64Array] {
  const firsts = new Float64Array(n);
  const counts = new Float64Array(n);
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('packed command revisions end too soon');
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  let next = 0;
  for (let i = 0; i < n; i++) {
    const zigzag = varint();
    firsts[i] = next + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
    counts[i] = varint();
    next = firsts[i] + counts[i];
  }
  if (at !== bytes.length) throw new RangeError('packed command revisions do not match their ids');
  return [firsts, counts];
}

/** FNV-1a over the UTF-16 code units of `text` from `start` to `end`. */
function hash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
