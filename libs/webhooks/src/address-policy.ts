import { lookup as dnsLookup, promises as dns, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../../domain/src/errors.js';

/**
 * Where webhooks may point (SPEC §9): `https://` (also `http://` with WEBHOOK_ALLOW_HTTP=1), and never
 * to a loopback, private, link-local or otherwise non-public address unless WEBHOOK_ALLOW_PRIVATE=1.
 * Checked when a webhook is registered and again for every delivery, on the addresses the connection
 * actually uses (a name that resolved to a public address yesterday may resolve to 127.0.0.1 today).
 */
export interface WebhookUrlRules {
  readonly allowHttp: boolean;
  readonly allowPrivate: boolean;
}

type Family = 'ipv4' | 'ipv6';

/** One family's ranges (a BlockList also matches IPv4 addresses against IPv6 rules, so each list keeps its family). */
function ranges(family: Family, entries: readonly [string, number][]): { family: Family; list: BlockList } {
  const list = new BlockList();
  for (const [network, prefix] of entries) list.addSubnet(network, prefix, family);
  return { family, list };
}

/** Non-public ranges, most specific first; the name is what the error says. */
const NON_PUBLIC: readonly [string, { family: Family; list: BlockList }][] = [
  ['loopback', ranges('ipv4', [['127.0.0.0', 8]])],
  ['loopback', ranges('ipv6', [['::1', 128]])],
  ['unspecified', ranges('ipv4', [['0.0.0.0', 8]])],
  ['unspecified', ranges('ipv6', [['::', 128]])],
  [
    'private',
    ranges('ipv4', [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ]),
  ],
  ['private (unique local)', ranges('ipv6', [['fc00::', 7]])],
  ['link-local', ranges('ipv4', [['169.254.0.0', 16]])],
  ['link-local', ranges('ipv6', [['fe80::', 10]])],
  ['shared (carrier-grade NAT)', ranges('ipv4', [['100.64.0.0', 10]])],
  [
    'reserved',
    ranges('ipv4', [
      ['192.0.0.0', 24],
      ['198.18.0.0', 15],
      ['240.0.0.0', 4],
    ]),
  ],
  [
    'documentation',
    ranges('ipv4', [
      ['192.0.2.0', 24],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
    ]),
  ],
  ['documentation', ranges('ipv6', [['2001:db8::', 32]])],
  ['multicast', ranges('ipv4', [['224.0.0.0', 4]])],
  ['multicast', ranges('ipv6', [['ff00::', 8]])],
  // IPv6 forms that carry an IPv4 address (it could be any of the above): refused as a whole.
  [
    'IPv4-mapped',
    ranges('ipv6', [
      ['::ffff:0:0', 96],
      ['::', 96],
      ['64:ff9b::', 96],
    ]),
  ],
  ['discard-only', ranges('ipv6', [['100::', 64]])],
];

/** The kind of non-public range `address` is in, or null for a public address. */
export function nonPublicRange(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type: Family = family === 4 ? 'ipv4' : 'ipv6';
  return NON_PUBLIC.find(([, ranges]) => ranges.family === type && ranges.list.check(address, type))?.[0] ?? null;
}

export type ResolveHost = (host: string) => Promise<readonly LookupAddress[]>;

const systemResolve: ResolveHost = (host) => dns.lookup(host, { all: true, verbatim: true });

function invalidUrl(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `url: ${message}`, [{ path: 'url', message }]);
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Checks a webhook URL against the rules, resolving its host name: VALIDATION_FAILED naming `url`
 * when the scheme is not allowed, the name does not resolve, or an address it resolves to is not public.
 */
export async function checkWebhookUrl(text: string, rules: WebhookUrlRules, resolve: ResolveHost = systemResolve): Promise<void> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidUrl('must be an absolute URL, e.g. https://hooks.example.com/ledger');
  }
  if (url.protocol === 'http:' && !rules.allowHttp) throw invalidUrl('must be an https:// URL (http:// only with WEBHOOK_ALLOW_HTTP=1)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidUrl('must be an https:// URL');
  if (rules.allowPrivate) return;
  const host = hostOf(url);
  let addresses: readonly LookupAddress[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw invalidUrl(`the host '${host}' does not resolve`);
    }
  }
  if (addresses.length === 0) throw invalidUrl(`the host '${host}' does not resolve`);
  for (const { address } of addresses) {
    const range = nonPublicRange(address);
    if (range !== null) {
      throw invalidUrl(
        `the host '${host}' resolves to ${address}, a ${range} address; webhooks go to public addresses only (WEBHOOK_ALLOW_PRIVATE=1 allows others)`,
      );
    }
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses to connect to a non-public address (unless allowed):
 * the check happens on the very addresses the socket connects to, so DNS rebinding cannot slip by.
 */
export function guardedLookup(rules: WebhookUrlRules) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = rules.allowPrivate ? undefined : addresses.find(({ address }) => nonPublicRange(address) !== null);
      if (refused) {
        const denied: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${refused.address}, a ${nonPublicRange(refused.address)} address: not delivered (WEBHOOK_ALLOW_PRIVATE=1 allows it)`,
        );
        denied.code = 'EADDRNOTPUBLIC';
        return callback(denied, []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first.address, first.family);
    });
  };
}
