import { DomainError } from '../../domain/src/errors.js';
import { checkWebhookUrl, nonPublicRange, type ResolveHost } from './address-policy.js';

const PUBLIC_ONLY = { allowHttp: false, allowPrivate: false };
const resolvesTo =
  (...addresses: string[]): ResolveHost =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const unresolvable: ResolveHost = async () => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};

async function refusal(url: string, rules = PUBLIC_ONLY, resolve: ResolveHost = resolvesTo('93.184.216.34')): Promise<DomainError> {
  const error = await checkWebhookUrl(url, rules, resolve).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const refused = error as DomainError;
  expect(refused.code).toBe('VALIDATION_FAILED');
  expect(refused.errors.map((e) => e.path)).toEqual(['url']);
  return refused;
}

describe('nonPublicRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private (unique local)'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
  ])('%s is %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])('%s is public', (address) => {
    expect(nonPublicRange(address)).toBeNull();
  });
});

describe('checkWebhookUrl', () => {
  it('accepts an https URL whose host resolves to public addresses only', async () => {
    await expect(
      checkWebhookUrl('https://hooks.example.com/ledger', PUBLIC_ONLY, resolvesTo('93.184.216.34', '2606:2800:220:1::1')),
    ).resolves.toBeUndefined();
  });

  it('refuses http:// unless WEBHOOK_ALLOW_HTTP', async () => {
    expect((await refusal('http://hooks.example.com/ledger')).message).toContain('WEBHOOK_ALLOW_HTTP=1');
    await expect(
      checkWebhookUrl('http://hooks.example.com/ledger', { ...PUBLIC_ONLY, allowHttp: true }, resolvesTo('93.184.216.34')),
    ).resolves.toBeUndefined();
  });

  it('refuses a name resolving to a loopback, private or link-local address, if only one of its addresses does', async () => {
    expect((await refusal('https://evil.example.com/', PUBLIC_ONLY, resolvesTo('93.184.216.34', '127.0.0.1'))).message).toContain(
      '127.0.0.1, a loopback address',
    );
    expect((await refusal('https://intranet.example.com/', PUBLIC_ONLY, resolvesTo('10.0.0.7'))).message).toContain('private');
    expect((await refusal('https://metadata.example.com/', PUBLIC_ONLY, resolvesTo('169.254.169.254'))).message).toContain('link-local');
  });

  it('refuses address literals in non-public ranges without resolving anything', async () => {
    for (const url of ['https://127.0.0.1:8443/x', 'https://[::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://192.168.0.10/']) {
      await refusal(url, PUBLIC_ONLY, unresolvable);
    }
  });

  it('refuses a host that does not resolve', async () => {
    expect((await refusal('https://nowhere.invalid/', PUBLIC_ONLY, unresolvable)).message).toContain("'nowhere.invalid' does not resolve");
  });

  it('WEBHOOK_ALLOW_PRIVATE=1 allows any address (tests, closed networks)', async () => {
    await expect(checkWebhookUrl('http://127.0.0.1:9/hook', { allowHttp: true, allowPrivate: true }, unresolvable)).resolves.toBeUndefined();
  });
});
