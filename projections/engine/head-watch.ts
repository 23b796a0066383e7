import { comparePositions, type EventStore, type LogPosition } from '../../libs/event-store/src/event-store.js';

/** Tells when a position has reached the head; reads the head again only once the last one read is reached. */
export class HeadWatch {
  #head: LogPosition | null | undefined;

  constructor(private readonly store: EventStore) {}

  async reached(position: LogPosition | null): Promise<boolean> {
    if (this.#head !== undefined && comparePositions(position, this.#head) < 0) return false;
    this.#head = await this.store.headPosition();
    return comparePositions(position, this.#head) >= 0;
  }
}
