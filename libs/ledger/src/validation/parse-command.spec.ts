import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import { CLIENT_COMMAND_TYPES, type ClientCommandType } from './command-dtos.js';
import { parseCommand } from './parse-command.js';

const base = { accountId: 'acme' };

/** One valid command of each client type (only required fields). */
const VALID: Record<ClientCommandType, Record<string, unknown>> = {
  OpenAccount: { name: 'Acme', timezone: 'America/New_York' },
  ChangeAccountTimezone: { timezone: 'Europe/Paris' },
  CreateOrganization: { orgId: 'qa', name: 'Quality' },
  RegisterUser: { userId: 'u1', email: 'u1@example.com', fullName: 'Ursula One', orgId: 'qa' },
  MoveUser: { userId: 'u1', orgId: 'mobile' },
  CreateProject: { projectId: 'p1', name: 'Web', orgId: 'qa' },
  AddUserToProject: { projectId: 'p1', userId: 'u1' },
  PurchaseLicenses: { purchaseId: 'p1', product: 'KSE', quantity: 5, startsAt: '2026-01-01T00:00:00.000Z', expiresAt: '2027-01-01T00:00:00.000Z' },
  AmendPurchase: { purchaseId: 'p1', quantity: 6 },
  DedicateLicenses: { product: 'KSE', orgId: 'qa', quantity: 0 },
  AssignSeat: { product: 'KSE', userId: 'u1' },
  UnassignSeat: { product: 'KSE', userId: 'u1' },
  RecordLogin: { product: 'KSE', userId: 'u1' },
  RecordActivity: { product: 'TESTOPS', userId: 'u1', action: 'run-test' },
  StartSession: { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' },
  HeartbeatSession: { sessionId: 's1' },
  EndSession: { sessionId: 's1' },
  GenerateOfflineLicense: { product: 'KRE', userId: 'u1', machineId: 'm1' },
  RevokeOfflineLicense: { product: 'KSE', machineId: 'm1' },
  RegisterMachine: { product: 'KSE', machineId: 'm1', userId: 'u1' },
  DeactivateMachine: { product: 'KSE', machineId: 'm1', userId: 'u1' },
  ActivateApplication: { applicationId: 'app1' },
  ReleaseApplication: { applicationId: 'app1' },
  CreateAlertRule: { ruleId: 'r1', kind: 'usage-threshold', product: 'KRE', scope: 'account' },
  RemoveAlertRule: { ruleId: 'r1' },
  RegisterWebhook: { webhookId: 'w1', url: 'https://hooks.example.com/ledger', secret: 'topsecret' },
  RemoveWebhook: { webhookId: 'w1' },
};

function errorsOf(raw: unknown): readonly FieldError[] {
  try {
    parseCommand(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return (error as DomainError).errors;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

function command(type: ClientCommandType, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, ...base, ...VALID[type], ...fields };
}

function expectFieldError(raw: unknown, path: string, message: string | RegExp): void {
  expect(errorsOf(raw)).toContainEqual({ path, message: typeof message === 'string' ? message : expect.stringMatching(message) });
}

describe('parseCommand', () => {
  describe('accepts a valid command of every client type', () => {
    it.each(CLIENT_COMMAND_TYPES)('%s', (type) => {
      expect(parseCommand(command(type))).toEqual(expect.objectContaining({ type, ...base, ...VALID[type] }));
    });

    it('covers every command of SPEC §3 and §9 except the reaper’s ExpireSessions', () => {
      expect(CLIENT_COMMAND_TYPES).toHaveLength(27);
      expect(CLIENT_COMMAND_TYPES).not.toContain('ExpireSessions');
    });
  });

  describe('body', () => {
    it.each([[null], [[]], ['AssignSeat'], [42], [undefined]])('rejects %j: the command must be a JSON object', (raw) => {
      expect(errorsOf(raw)).toEqual([{ path: '', message: expect.stringMatching(/^must be a JSON object/) }]);
    });
  });

  describe('type', () => {
    it('is required', () => {
      expectFieldError({ accountId: 'acme' }, 'type', /^is required; expected one of OpenAccount, /);
    });

    it('must be a known command type, listing the expected ones', () => {
      expectFieldError(
        command('AssignSeat', { type: 'AssignSeats' }),
        'type',
        /^unknown command type "AssignSeats"; expected one of OpenAccount, .*RemoveWebhook$/,
      );
    });

    it('rejects ExpireSessions, which only the reaper sends', () => {
      expectFieldError({ type: 'ExpireSessions', accountId: 'acme' }, 'type', /^unknown command type "ExpireSessions"/);
    });
  });

  describe('unknown fields', () => {
    it('are rejected, each by name', () => {
      const errors = errorsOf(command('AssignSeat', { seats: 2, orgId: 'qa' }));
      expect(errors).toEqual([
        { path: 'seats', message: 'is not a field of AssignSeat' },
        { path: 'orgId', message: 'is not a field of AssignSeat' },
      ]);
    });

    it.each(['__proto__', 'constructor'])('reject %s instead of dropping it', (key) => {
      expectFieldError(
        JSON.parse(`{"type":"AssignSeat","accountId":"a","product":"KSE","userId":"u","${key}":{}}`),
        key,
        'is not a field of AssignSeat',
      );
    });
  });

  it('names every bad field with its rule, in one error', () => {
    const raw = {
      type: 'PurchaseLicenses',
      accountId: '',
      product: 'KSX',
      quantity: 0,
      startsAt: 'soon',
      expiresAt: '2027-01-01T00:00:00Z',
      colour: 'red',
    };
    let thrown: unknown;
    try {
      parseCommand(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const error = thrown as DomainError;
    expect(error.status).toBe(400);
    expect(error.errors.map((e) => e.path)).toEqual(['accountId', 'purchaseId', 'product', 'quantity', 'startsAt', 'colour']);
    expect(error.message).toMatch(/^Invalid PurchaseLicenses command: accountId must not be empty; purchaseId is required; /);
  });

  describe('presence and types', () => {
    it('reports missing required fields', () => {
      const { userId: _userId, ...withoutUser } = command('AssignSeat');
      expect(errorsOf(withoutUser)).toEqual([{ path: 'userId', message: 'is required' }]);
    });

    it('treats null as missing for required fields and refuses it for optional ones', () => {
      expectFieldError(command('AssignSeat', { userId: null }), 'userId', 'is required');
      expectFieldError(command('RecordLogin', { machineId: null }), 'machineId', 'must not be null (omit the field instead)');
    });

    it.each([
      ['accountId', 42, 'must be a string'],
      ['userId', ['u1'], 'must be a string'],
      ['product', 1, /^must be one of KSE, /],
    ])('rejects %s = %j', (path, value, message) => {
      expectFieldError(command('AssignSeat', { [path]: value }), path, message);
    });

    it('rejects a quantity sent as a string', () => {
      expectFieldError(command('PurchaseLicenses', { quantity: '5' }), 'quantity', 'must be an integer ≥ 1');
    });
  });

  describe('ids', () => {
    it.each([
      ['', 'must not be empty'],
      ['   ', 'must not be empty'],
      ['x'.repeat(129), 'must be at most 128 characters'],
      ['u\n1', 'must not contain control characters'],
      ['u\u00071', 'must not contain control characters'],
    ])('rejects %j', (value, message) => {
      expectFieldError(command('MoveUser', { userId: value }), 'userId', message);
      expectFieldError(command('MoveUser', { orgId: value }), 'orgId', message);
    });

    it('accepts 128 characters', () => {
      expect(parseCommand(command('MoveUser', { userId: 'x'.repeat(128) }))).toMatchObject({ userId: 'x'.repeat(128) });
    });

    it('applies to commandId as well', () => {
      expectFieldError(command('EndSession', { commandId: 'c'.repeat(129) }), 'commandId', 'must be at most 128 characters');
      expect(parseCommand(command('EndSession', { commandId: 'c-1' }))).toMatchObject({ commandId: 'c-1' });
    });

    it('lets parentOrgId be null (a top-level organization)', () => {
      expect(parseCommand(command('CreateOrganization', { parentOrgId: null }))).toMatchObject({ parentOrgId: null });
      expectFieldError(command('CreateOrganization', { parentOrgId: '' }), 'parentOrgId', 'must not be empty');
    });
  });

  describe('names, email and action', () => {
    it('limits names to 200 characters', () => {
      expect(parseCommand(command('CreateOrganization', { name: 'n'.repeat(200) }))).toMatchObject({ name: 'n'.repeat(200) });
      expectFieldError(command('CreateOrganization', { name: 'n'.repeat(201) }), 'name', 'must be at most 200 characters');
      expectFieldError(command('RegisterUser', { fullName: '' }), 'fullName', 'must not be empty');
    });

    it.each(['not-an-email', 'a@', '@example.com'])('rejects the email %j', (value) => {
      expectFieldError(command('RegisterUser', { email: value }), 'email', 'must be a valid email address');
    });

    it('limits email to 254 characters', () => {
      expectFieldError(command('RegisterUser', { email: `${'a'.repeat(250)}@example.com` }), 'email', 'must be at most 254 characters');
    });

    it('limits action to 100 characters', () => {
      expectFieldError(command('RecordActivity', { action: 'a'.repeat(101) }), 'action', 'must be at most 100 characters');
    });
  });

  describe('quantities', () => {
    it.each([[0], [-1], [1.5], [Number.NaN]])('PurchaseLicenses quantity %p must be an integer ≥ 1', (quantity) => {
      expectFieldError(command('PurchaseLicenses', { quantity }), 'quantity', 'must be an integer ≥ 1');
    });

    it('DedicateLicenses quantity may be 0 but not negative', () => {
      expect(parseCommand(command('DedicateLicenses', { quantity: 0 }))).toMatchObject({ quantity: 0 });
      expectFieldError(command('DedicateLicenses', { quantity: -1 }), 'quantity', 'must be an integer ≥ 0');
    });

    it('caps quantities at 1,000,000,000', () => {
      expect(parseCommand(command('PurchaseLicenses', { quantity: 1_000_000_000 }))).toMatchObject({ quantity: 1_000_000_000 });
      expectFieldError(command('PurchaseLicenses', { quantity: 1_000_000_001 }), 'quantity', 'must be at most 1,000,000,000');
    });

    it('machineQuota is an integer ≥ 0, or null for unlimited', () => {
      expect(parseCommand(command('PurchaseLicenses', { machineQuota: 0 }))).toMatchObject({ machineQuota: 0 });
      expect(parseCommand(command('AmendPurchase', { machineQuota: null }))).toMatchObject({ machineQuota: null });
      expectFieldError(command('PurchaseLicenses', { machineQuota: -2 }), 'machineQuota', 'must be an integer ≥ 0');
      expectFieldError(command('AmendPurchase', { machineQuota: 'lots' }), 'machineQuota', 'must be an integer ≥ 0');
    });
  });

  describe('products and license types', () => {
    it('product must be a product code', () => {
      expectFieldError(
        command('PurchaseLicenses', { product: 'kse' }),
        'product',
        'must be one of KSE, TESTOPS, KAM, KRE, TC_DESKTOP, TC_DESKTOP_MOBILE, TC_MOBILE_NATIVE, TRUETEST',
      );
    });

    it('seats are only for seat products', () => {
      expectFieldError(command('AssignSeat', { product: 'KRE' }), 'product', 'must be one of KSE, TESTOPS, KAM (seat products)');
    });

    it('offline licenses are only for KSE and KRE', () => {
      expectFieldError(
        command('GenerateOfflineLicense', { product: 'TESTOPS' }),
        'product',
        'must be one of KSE, KRE (products with offline licenses)',
      );
    });

    it('sessions are for seat and session products, not TrueTest', () => {
      expect(parseCommand(command('StartSession', { product: 'KSE' }))).toMatchObject({ product: 'KSE' });
      expectFieldError(command('StartSession', { product: 'TRUETEST' }), 'product', /^must be one of .*\(seat and session products\)$/);
    });

    it('licenseType is online or offline', () => {
      expect(parseCommand(command('StartSession', { licenseType: 'offline' }))).toMatchObject({ licenseType: 'offline' });
      expectFieldError(command('StartSession', { licenseType: 'floating' }), 'licenseType', 'must be one of online, offline');
    });
  });

  describe('timezone', () => {
    it('must be a valid IANA zone, named in the message', () => {
      expectFieldError(
        command('OpenAccount', { timezone: 'Mars/Olympus_Mons' }),
        'timezone',
        "'Mars/Olympus_Mons' is not a valid IANA time zone (e.g. America/New_York)",
      );
      expectFieldError(command('ChangeAccountTimezone', { timezone: 5 }), 'timezone', /^must be an IANA time zone name/);
    });

    it('defaults to UTC when an account is opened without one', () => {
      const { timezone: _timezone, ...withoutZone } = command('OpenAccount');
      expect(parseCommand(withoutZone)).toMatchObject({ timezone: 'UTC' });
    });
  });

  describe('instants', () => {
    it('normalises at, startsAt and expiresAt to UTC', () => {
      const parsed = parseCommand(
        command('PurchaseLicenses', {
          at: '2026-01-05T09:00-05:00',
          startsAt: '2026-01-01T01:00:00+01:00',
          expiresAt: '2027-01-01T00:00:00.5Z',
        }),
      );
      expect(parsed).toMatchObject({
        at: '2026-01-05T14:00:00.000Z',
        startsAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.500Z',
      });
    });

    it('leaves at out when it is not given (the ledger uses now)', () => {
      expect(parseCommand(command('EndSession'))).not.toHaveProperty('at');
    });

    it.each([
      '2026-01-05',
      '2026-01-05T14:00:00',
      'yesterday',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      1767621600000,
    ])('rejects %j', (value) => {
      expectFieldError(command('EndSession', { at: value }), 'at', 'must be an ISO-8601 instant with a time zone offset, e.g. 2026-01-05T14:00:00Z');
      expectFieldError(command('GenerateOfflineLicense', { expiresAt: value }), 'expiresAt', /^must be an ISO-8601 instant/);
    });

    it('does not judge business rules such as an instant in the future', () => {
      expect(parseCommand(command('EndSession', { at: '2999-01-01T00:00:00Z' }))).toMatchObject({ at: '2999-01-01T00:00:00.000Z' });
    });
  });
});
