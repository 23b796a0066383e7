import { randomUUID } from 'node:crypto';
import { jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { describeEventStoreContract } from '../event-store.contract.js';
import { connectEsdbClient } from './esdb-client.js';
import { createEsdbEventStore } from './esdb-event-store.js';

/** The server version the contract is written against (docker-compose.yml pins its patch release). */
const IMAGE = 'eventstore/eventstore:24.10.0-jammy';

/**
 * Where the contract can run: the throwaway server at EVENTSTORE_TEST_URL, a container on a local
 * Docker engine, or nowhere. Never EVENTSTORE_URL, the ledger's own server: the suite writes test
 * streams, and events can never be taken out of a log.
 */
type Target = { readonly url: string } | { readonly docker: true } | { readonly skipped: string };

function sameServer(a: string, b: string): boolean {
  const normal = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();
  return normal(a) === normal(b);
}

async function findEventStoreDb(): Promise<Target> {
  const testUrl = process.env.EVENTSTORE_TEST_URL?.trim();
  if (testUrl) {
    if (process.env.EVENTSTORE_URL && sameServer(testUrl, process.env.EVENTSTORE_URL)) {
      throw new Error(
        "EVENTSTORE_TEST_URL is the ledger's own EVENTSTORE_URL: the contract suite writes test streams " +
          'that can never be removed, so it runs only against a throwaway server',
      );
    }
    return { url: testUrl };
  }
  try {
    await getContainerRuntimeClient();
    return { docker: true };
  } catch {
    return { skipped: 'EVENTSTORE_TEST_URL is not set and no Docker engine was found' };
  }
}

const target = await findEventStoreDb();

if ('skipped' in target) {
  process.stdout.write(`SKIPPED: EventStoreDB contract tests — ${target.skipped}\n`);
  test.skip(`EventStoreDB contract tests (${target.skipped})`, () => {});
} else {
  describe('EventStoreDB adapter', () => {
    let container: StartedTestContainer | undefined;
    let url = 'url' in target ? target.url : '';
    /** Every run in a namespace of its own: nothing it writes is under any ledger's prefix. */
    const run = `contract_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      if (!('docker' in target)) return;
      container = await new GenericContainer(IMAGE)
        .withEnvironment({
          EVENTSTORE_INSECURE: 'true',
          EVENTSTORE_CLUSTER_SIZE: '1',
          EVENTSTORE_MEM_DB: 'true',
          EVENTSTORE_RUN_PROJECTIONS: 'None',
        })
        .withExposedPorts(2113)
        // Ready once a leader is elected: the node answers HTTP before it takes writes.
        .withWaitStrategy(Wait.forHttp('/gossip', 2113).forResponsePredicate((body) => /"state"\s*:\s*"leader"/i.test(body)))
        .withStartupTimeout(120_000)
        .start();
      url = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    }, 180_000);

    afterAll(() => container?.stop());

    describeEventStoreContract('EventStoreDB', {
      open: (namespace) => createEsdbEventStore(url, { streamPrefix: namespace ? `${run}_${namespace}` : run }),
      // A system event ($metadata of a stream) and another application's stream, outside every prefix.
      async appendOthers(label) {
        const client = connectEsdbClient(url);
        try {
          await client.appendToStream(`orders_${label}-1`, [jsonEvent({ type: 'OrderPlaced', data: { label } })], { expectedRevision: NO_STREAM });
          await client.appendToStream(`$$${run}.${label}`, [jsonEvent({ type: '$metadata', data: { $maxCount: 10 } })], {
            expectedRevision: NO_STREAM,
          });
        } finally {
          await client.close();
        }
      },
    });
  });
}
