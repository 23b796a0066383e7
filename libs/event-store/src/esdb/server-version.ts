/**
 * The oldest EventStoreDB the ledger runs on. Before 22.6 stream reads carry no log position
 * (2^64−1 instead); up to 24.1 a filtered $all subscription whose reader is slow is dropped by the
 * server instead of being held back. The contract suite runs against 24.10.
 */
export const MINIMUM_SERVER = { major: 24, minor: 2 } as const;

/** Throws unless `version` (as the server announces it, e.g. "24.10.0.0") is at least MINIMUM_SERVER. */
export function assertSupportedServer(version: string): void {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  const wanted = `${MINIMUM_SERVER.major}.${MINIMUM_SERVER.minor}`;
  if (!match) {
    throw new Error(`EventStoreDB did not announce its version ("${version}"): the ledger needs EventStoreDB ${wanted} or later`);
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MINIMUM_SERVER.major || (major === MINIMUM_SERVER.major && minor < MINIMUM_SERVER.minor)) {
    throw new Error(
      `EventStoreDB ${version} is too old: the ledger needs ${wanted} or later ` +
        '(older servers send no log positions on stream reads, or drop a subscription whose reader is slow)',
    );
  }
}
