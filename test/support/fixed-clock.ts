import { Clock } from '../../libs/platform/src/clock.js';

/** A clock tests set by hand. */
export class FixedClock extends Clock {
  constructor(private current: number) {
    super();
  }

  now(): number {
    return this.current;
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}
