import type { IncomingMessage } from 'node:http';

/** What the API reads from an Express request (the project does not depend on @types/express). */
export interface ApiRequest extends IncomingMessage {
  /** Parsed JSON body; `undefined` when the request had none. */
  readonly body?: unknown;
  readonly originalUrl: string;
}
