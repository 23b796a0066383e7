import { decodeEvent, EVENT_SHAPES, EventDecodingError, type EventSchema } from './event-decoding.js';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES } from './events.js';

const purchase = {
  purchaseId: 'p1',
  product: 'KSE',
  quantity: 5,
  startsAt: '2026-01-05T00:00:00.000Z',
  expiresAt: '2027-01-05T00:00:00.000Z',
  machineQuota: null,
};

describe('decodeEvent: a stored payload becomes a typed event once, where it enters', () => {
  test('a payload of the current shape comes back typed, narrowed by its type', () => {
    const event = decodeEvent('LicensesPurchased', purchase, EVENT_SCHEMA_VERSION);
    if (event.type !== 'LicensesPurchased') throw new Error(`decoded as ${event.type}`);
    expect(event.data.quantity + 1).toBe(6);
    expect(event.data).toEqual(purchase);
  });

  test('every event type of the ledger has a shape, and only those', () => {
    expect(Object.keys(EVENT_SHAPES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  test('a missing or mistyped field is refused, naming the field', () => {
    expect(() => decodeEvent('LicensesPurchased', { ...purchase, quantity: '5' }, 1)).toThrow(/field "quantity"/);
    const { expiresAt: _, ...withoutExpiry } = purchase;
    expect(() => decodeEvent('LicensesPurchased', withoutExpiry, 1)).toThrow(/field "expiresAt"/);
    expect(() => decodeEvent('LicensesPurchased', { ...purchase, product: 'NOT_A_PRODUCT' }, 1)).toThrow(/field "product"/);
    expect(() =>
      decodeEvent(
        'SessionStarted',
        { product: 'KRE', sessionId: 's', userId: 'u', machineId: 'm', licenseType: 'borrowed', licenseSource: 'account' },
        1,
      ),
    ).toThrow(/field "licenseType"/);
  });

  test('an unknown type, a payload that is not an object, or a version newer than this release is refused', () => {
    expect(() => decodeEvent('LicensesStolen', {}, 1)).toThrow(EventDecodingError);
    expect(() => decodeEvent('SeatUnassigned', ['KSE', 'u1'], 1)).toThrow(/not an object/);
    expect(() => decodeEvent('SeatUnassigned', { product: 'KSE', userId: 'u1' }, EVENT_SCHEMA_VERSION + 1)).toThrow(/schema versions 1 to/);
  });

  describe('upcasting by schema version', () => {
    // A release where version 2 added `endedAt` to SessionEnded: version-1 events ended when they were recorded.
    const v2: EventSchema = {
      version: 2,
      upcasters: { 1: (type, data) => (type === 'SessionEnded' ? { ...data, endedAt: data['recordedAt'] } : { ...data }) },
    };

    test('an old-shaped event is brought up to the current shape', () => {
      const old = { sessionId: 's1', product: 'KRE', recordedAt: '2026-01-05T10:00:00.000Z' };
      const event = decodeEvent('SessionEnded', old, 1, v2);
      expect(event).toEqual({ type: 'SessionEnded', data: { ...old, endedAt: '2026-01-05T10:00:00.000Z' } });
    });

    test('an event already of the current version is not upcast', () => {
      const current = { sessionId: 's1', product: 'KRE', endedAt: '2026-01-05T11:00:00.000Z' };
      expect(decodeEvent('SessionEnded', current, 2, v2).data).toEqual(current);
    });

    test('a version with no upcaster is refused rather than read in the wrong shape', () => {
      expect(() => decodeEvent('SessionEnded', { sessionId: 's1', product: 'KRE' }, 1, { version: 2, upcasters: {} })).toThrow(
        /no upcaster from schema version 1/,
      );
    });
  });
});
