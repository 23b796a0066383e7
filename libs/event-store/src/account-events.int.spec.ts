import { cmd } from '../../domain/src/testing/decider-spec.js';
import { formatPosition } from '../../event-store/src/event-store.js';
import { historyStore, type HistoryStore } from '../../../test/support/history-store.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { readAccountEvents } from './account-events.js';

/** An account of 12,001 events (more than two pages of the stream), one login a minute. */
const START = Date.parse('2026-01-05T00:00:00Z');
const at = (minute: number) => new Date(START + minute * 60_000).toISOString();
const commands = [
  cmd('OpenAccount', at(0), { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', at(0), { orgId: 'qa', name: 'QA' }),
  cmd('RegisterUser', at(0), { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
  ...Array.from({ length: 11_998 }, (_, i) => cmd('RecordLogin', at(i + 1), { product: 'KSE', userId: 'u1' })),
];
const events = storedHistory(commands);

describe('readAccountEvents: the account history cut at an instant or a position', () => {
  let history: HistoryStore;
  beforeAll(async () => {
    history = await historyStore(events);
  }, 120_000);
  afterAll(() => history.close());

  test('no cut: every event, in order', async () => {
    const read = await readAccountEvents(history.store, 'acme');
    expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
  });

  test('as of an instant: every event with at ≤ it, across pages', async () => {
    const read = await readAccountEvents(history.store, 'acme', { asOf: Date.parse(at(7_000)) });
    expect(read).toHaveLength(3 + 7_000);
    expect(read.at(-1)!.metadata.occurredAt).toBe(at(7_000));
  });

  test('up to a position: every event at or before it; null: none', async () => {
    const stored = await readAccountEvents(history.store, 'acme');
    const read = await readAccountEvents(history.store, 'acme', { upTo: stored[10_500]!.position });
    expect(read).toHaveLength(10_501);
    expect(formatPosition(read.at(-1)!.position)).toBe(formatPosition(stored[10_500]!.position));
    expect(await readAccountEvents(history.store, 'acme', { upTo: null })).toEqual([]);
  });

  test('an account without events: none', async () => {
    expect(await readAccountEvents(history.store, 'nobody')).toEqual([]);
  });
});
