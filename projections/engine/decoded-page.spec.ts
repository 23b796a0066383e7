import { EVENT_SCHEMA_VERSION } from '../../libs/domain/src/events.js';
import { EventDecodingError } from '../../libs/domain/src/event-decoding.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import type { Projection } from '../projection.js';
import { DecodedPage } from './decoded-page.js';
import { eventsFor } from './fold-batch.js';

const org = { orgId: 'o1', name: 'Test rigs', parentOrgId: null };

function stored(n: number, type: string, data: unknown, streamId = 'account-a1'): StoredEvent {
  return {
    eventId: `e${n}`,
    streamId,
    streamRevision: BigInt(n),
    position: { commit: BigInt(n), prepare: BigInt(n) },
    type,
    data: data as StoredEvent['data'],
    metadata: {
      commandId: null,
      correlationId: 'c',
      causationId: null,
      actor: 'test',
      occurredAt: '2026-01-05T00:00:00.000Z',
      recordedAt: '2026-01-05T00:00:00.000Z',
      schemaVersion: EVENT_SCHEMA_VERSION,
    },
  };
}

function projectionOf(name: string, types: readonly string[]): Projection {
  return { name, version: 1, eventTypes: new Set(types), migrations: {}, apply: async () => {} };
}

describe('DecodedPage: one page of the log for several projections', () => {
  const page = [
    stored(1, 'OrganizationCreated', org),
    stored(2, 'OrganizationCreated', { ...org, orgId: 'o2' }, 'elsewhere'),
    stored(3, 'OrganizationCreated', { ...org, orgId: 'o3', parentOrgId: 'o1' }),
    stored(4, 'LicensesPurchased', 'not even an object'),
  ];

  test('each projection gets what `eventsFor` gives it, and the same decoded event as every other', () => {
    const decoded = new DecodedPage(page);
    const orgs = projectionOf('orgs', ['OrganizationCreated']);
    const seats = projectionOf('seats', ['OrganizationCreated']);
    const first = decoded.eventsFor(orgs, page);
    expect(first).toEqual(eventsFor(orgs, page));
    expect(first.map((e) => e.eventId)).toEqual(['e1', 'e3']);
    // Decoded once: the second projection is handed the very objects the first one got.
    const second = decoded.eventsFor(seats, page);
    second.forEach((event, i) => expect(event).toBe(first[i]));
  });

  test('only the events some projection folds are decoded: a bad payload of another type fails nobody', () => {
    const decoded = new DecodedPage(page);
    expect(() => decoded.eventsFor(projectionOf('orgs', ['OrganizationCreated']), page)).not.toThrow();
    expect(() => decoded.eventsFor(projectionOf('licenses', ['LicensesPurchased']), page)).toThrow(EventDecodingError);
  });

  test('the events after a checkpoint, and those outside the account streams', () => {
    const decoded = new DecodedPage(page);
    expect(decoded.after(null)).toBe(page);
    expect(decoded.after({ commit: 2n, prepare: 2n }).map((e) => e.eventId)).toEqual(['e3', 'e4']);
    expect(decoded.after({ commit: 9n, prepare: 9n })).toEqual([]);
    expect(decoded.outside.map((e) => e.eventId)).toEqual(['e2']);
  });
});
