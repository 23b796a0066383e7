import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { describeEventStoreContract } from '../event-store.contract.js';
import { createEsdbEventStore } from './esdb-event-store.js';

const IMAGE = 'eventstore/eventstore:24.10';

/** Where the contract can run: the server at EVENTSTORE_URL, a container on a local Docker engine, or nowhere. */
type Target = { readonly url: string } | { readonly docker: true } | { readonly skipped: string };

async function findEventStoreDb(): Promise<Target> {
  if (process.env.EVENTSTORE_URL) return { url: process.env.EVENTSTORE_URL };
  try {
    await getContainerRuntimeClient();
    return { docker: true };
  } catch {
    return { skipped: 'EVENTSTORE_URL is not set and no Docker engine was found' };
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
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .withStartupTimeout(120_000)
        .start();
      url = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    }, 180_000);

    afterAll(() => container?.stop());

    describeEventStoreContract('EventStoreDB', async () => createEsdbEventStore(url));
  });
}
