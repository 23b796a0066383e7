import type { ApiKey } from '../../../../libs/auth/src/api-keys.js';
import { InMemoryApiKeyStore } from '../../../../libs/auth/src/testing/in-memory-api-key-store.js';
import { bearerToken } from './api-key.guard.js';
import { authorizeRoute } from './authorize.js';
import { firstKeyHint } from './first-key-hint.js';
import { ruleFor } from './route-permissions.js';

const key = (role: ApiKey['role'], accountId: string | null): ApiKey => ({
  keyId: '0123456789abcdef',
  role,
  accountId,
  createdAt: '',
  revokedAt: null,
});
const admin = key('account-admin', 'acme');
const operator = key('operator', null);

describe('the central route table', () => {
  it('matches routes whatever their parameters are called', () => {
    expect(ruleFor('GET', '/v1/accounts/:account/reports/:report')).toEqual({ permission: 'account:read', accountParam: 'account', listed: true });
    expect(ruleFor('HEAD', '/v1/accounts/:accountId/licenses')).toMatchObject({ permission: 'account:read', listed: true });
    expect(ruleFor('GET', '/v1/accounts/:accountId/licenses/:product/:list')).toMatchObject({ permission: 'account:read', listed: true });
    expect(ruleFor('POST', '/v1/accounts/:accountId/licenses/:product/:list')).toMatchObject({ permission: 'account:manage', listed: false });
    expect(ruleFor('POST', '/v1/projections/:projection/rebuild/')).toMatchObject({ permission: 'ops:manage', listed: true });
    expect(ruleFor('POST', '/v1/projections/rebuild')).toMatchObject({ permission: 'ops:manage', listed: true });
  });

  it('denies by default what it does not list: account routes to their admins only, projections to operators, the rest to all', () => {
    expect(ruleFor('GET', '/v1/accounts/:accountId/secrets')).toEqual({ permission: 'account:manage', accountParam: 'accountId', listed: false });
    expect(ruleFor('GET', '/v1/projections/:name')).toMatchObject({ permission: 'ops:manage', listed: false });
    expect(ruleFor('GET', '/v1/anything')).toMatchObject({ permission: 'deny', listed: false });
    expect(() => authorizeRoute(key('auditor', 'acme'), 'GET', '/v1/accounts/:accountId/secrets', { accountId: 'acme' })).toThrow(/may not GET/);
    expect(authorizeRoute(admin, 'GET', '/v1/accounts/:accountId/secrets', { accountId: 'acme' })).toBe('account:manage');
    expect(() => authorizeRoute(admin, 'GET', '/v1/anything', {})).toThrow(/may not GET/);
    expect(() => authorizeRoute(operator, 'GET', '/v1/anything', {})).toThrow(/may not GET/);
  });
});

describe('authorizeRoute', () => {
  it('answers another account as an unknown one (404), before looking at the role', () => {
    expect(() => authorizeRoute(key('auditor', 'acme'), 'POST', '/v1/accounts/:accountId/purchases', { accountId: 'globex' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: "account 'globex' does not exist" }),
    );
  });

  it('compares account ids exactly', () => {
    expect(() => authorizeRoute(admin, 'GET', '/v1/accounts/:accountId/licenses', { accountId: 'ACME' })).toThrow(/does not exist/);
    expect(() => authorizeRoute(admin, 'GET', '/v1/accounts/:accountId/licenses', {})).toThrow(/does not exist/);
  });

  it('keeps operators off account data (403), and account keys off operations (403)', () => {
    expect(() => authorizeRoute(operator, 'GET', '/v1/accounts/:accountId/events', { accountId: 'acme' })).toThrow(
      expect.objectContaining({ status: 403, message: 'an operator key is global and may not read or change account data' }),
    );
    expect(() => authorizeRoute(admin, 'GET', '/v1/projections', {})).toThrow(expect.objectContaining({ status: 403 }));
    expect(authorizeRoute(operator, 'POST', '/v1/projections/:name/rebuild', { name: 'sessions' })).toBe('ops:manage');
    expect(authorizeRoute(operator, 'POST', '/v1/projections/rebuild', {})).toBe('ops:manage');
    expect(() => authorizeRoute(admin, 'POST', '/v1/projections/rebuild', {})).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('bearerToken', () => {
  it.each([
    [undefined, undefined],
    ['Bearer llk_abc', 'llk_abc'],
    ['bearer   llk_abc ', 'llk_abc'],
    ['Basic dXNlcjpwYXNz', ''],
    ['Bearer', ''],
    ['Bearer a b', ''],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('firstKeyHint', () => {
  it('tells how to create the first key while no key is active', async () => {
    const keys = new InMemoryApiKeyStore();
    expect(await firstKeyHint(keys, true)).toContain('npx ledger keys create --account <id> --role account-admin');
    const { key: created } = await keys.create({ role: 'operator' });
    expect(await firstKeyHint(keys, true)).toBeNull();
    await keys.revoke(created.keyId);
    expect(await firstKeyHint(keys, false)).toMatch(/^No API key yet/);
  });
});
