// A set of IP ranges (IPv4 and IPv6 CIDRs) read from a data file, for "is this request from Apple's proxy?".
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface IpRanges {
  has(ip: string): boolean;
  readonly size: number;
}

export class IpRangesError extends Error {
  readonly code = 'ip_ranges_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'IpRangesError';
  }
}

/** Lines of `CIDR[,anything]`; blank lines and # comments skipped. Throws IpRangesError naming the bad line. */
export function parseIpRanges(text: string, source = 'the ranges file'): IpRanges {
  const list = new BlockList();
  let size = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    const entry = line.replace(/#.*/, '').split(',')[0]!.trim();
    if (!entry) return;
    const [address = '', bits = ''] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const prefix = Number(bits);
    if (!family || !/^\d+$/.test(bits) || prefix > (family === 'ipv4' ? 32 : 128)) {
      throw new IpRangesError(`Line ${i + 1} of ${source} holds "${entry}", which is not a CIDR range such as 17.0.0.0/8 or 2a01:b740::/32.`);
    }
    list.addSubnet(address, prefix, family);
    size += 1;
  });
  return {
    size,
    has(ip: string) {
      // IPv4 seen through an IPv6 socket (::ffff:17.1.2.3) is matched as IPv4.
      const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
      if (isIPv4(v4)) return list.check(v4, 'ipv4');
      if (isIPv6(ip)) return list.check(ip, 'ipv6');
      return false;
    },
  };
}
