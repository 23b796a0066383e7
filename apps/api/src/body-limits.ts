import { PayloadTooLargeException } from '@nestjs/common';

/** Largest JSON command body (SPEC §6: 413 beyond it). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/** Largest NDJSON import body. */
export const NDJSON_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/** Passes a request body through, failing with 413 once it exceeds `maxBytes`. */
export async function* limitBytes(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let received = 0;
  for await (const chunk of body) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

export function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`The request body is larger than the limit of ${maxBytes} bytes`);
}
