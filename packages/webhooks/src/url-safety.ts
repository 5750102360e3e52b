// Which addresses a webhook may be sent to. A subscription URL is resolved and every address it gives
// is checked when it is saved; the delivery worker checks again at each connection (its lookup below),
// so a name that later resolves to 127.0.0.1 or 169.254.169.254 (DNS rebinding) is refused too, and the
// socket connects to the very address that was checked. WEBHOOKS_ALLOW_PRIVATE=true turns this off.
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { WebhookError } from './webhook-error';

/** Not reachable from the internet, or not a unicast host (RFC 6890 special-purpose ranges and multicast). */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 4 ? 'ipv4' : 'ipv6' };
}

export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const a = unmapped(address);
  return !NOT_PUBLIC.check(a.address, a.family);
}

export interface UrlSafetyOptions {
  /** WEBHOOKS_ALLOW_PRIVATE: loopback and private receivers allowed (tests, a receiver on the same network). */
  allowPrivate: boolean;
  /** Every address of a name (default: the system resolver, as connections use). */
  resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = (host: string) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address)))),
  );

/** The host as the resolver takes it (`[::1]` → `::1`). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** The URL parsed, or WebhookError invalid_url / private_address / unresolvable_host. */
export async function checkWebhookUrl(raw: string, options: UrlSafetyOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookError('invalid_url', `"${raw}" is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new WebhookError('invalid_url', `"${raw}" is not usable`);
  }
  if (options.allowPrivate) return url;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? systemResolve)(host);
  } catch {
    throw new WebhookError('unresolvable_host', `${host} does not resolve`);
  }
  if (addresses.length === 0) throw new WebhookError('unresolvable_host', `${host} has no address`);
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused) throw new WebhookError('private_address', `${host} resolves to ${refused}`);
  return url;
}

/**
 * A `lookup` for http.request / net.connect: resolves every address and refuses the connection unless
 * all are public, so what is checked is what is connected to. (A literal IP in the URL skips lookup:
 * the caller checks it with isPublicAddress.)
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const e = new WebhookError('private_address', `${hostname} resolves to ${refused?.address ?? 'nothing'}`) as Error & { code: string };
      return callback(e as NodeJS.ErrnoException, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
