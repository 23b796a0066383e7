import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver got it: the raw body and the headers. */
export interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered. */
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Decides the status of each request (default 204). */
  answer: (request: { headers: IncomingHttpHeaders; body: string }) => number;
  /** Stops listening (connections are refused) until `up`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP receiver on loopback, on a port of its own, recording every request. */
export async function startWebhookReceiver(path = '/hooks/ledger'): Promise<WebhookReceiver> {
  const received: Received[] = [];
  let server: Server | null = null;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received,
    answer: () => 204,
    down: async () => {
      const current = server;
      server = null;
      if (current)
        await new Promise<void>((done) => {
          current.close(() => done());
          current.closeAllConnections();
        });
    },
    up: async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = receiver.answer({ headers: request.headers, body });
          received.push({ at: Date.now(), headers: request.headers, body, status });
          response.statusCode = status;
          response.end();
        });
      });
      await new Promise<void>((done) => server!.listen(port, '127.0.0.1', done));
      port = (server.address() as AddressInfo).port;
    },
    close: () => receiver.down(),
  };
  await receiver.up();
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}${path}`, port });
}
