import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a server (PostgreSQL here) that can cut every connection it
 * carries at once, as a network failure or a restarted server would.
 */
export interface CuttingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Destroys every open connection, both sides; answers how many. */
  cut(): number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetUrl: string): Promise<CuttingProxy> {
  const target = new URL(targetUrl);
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  const cut = () => {
    const open = [...pairs];
    for (const [client, upstream] of open) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return open.length;
  };
  return {
    url: proxied.toString(),
    cut,
    close: async () => {
      cut();
      await new Promise((done) => server.close(done));
    },
  };
}
