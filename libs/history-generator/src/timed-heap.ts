import type { Timed } from './command-buffer.js';

/** A binary min-heap of timed commands by (time, source), for merging account streams. */
export class TimedHeap {
  private readonly items: { item: Timed; source: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Timed, source: number): void {
    const items = this.items;
    items.push({ item, source });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): { item: Timed; source: number } {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    return x.item.t < y.item.t || (x.item.t === y.item.t && x.source < y.source);
  }
}
