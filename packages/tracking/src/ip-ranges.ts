// A set of IP ranges (IPv4 and IPv6 CIDRs) read from a data file, for "is this request from Apple's proxy?"
// or "from a mail security scanner?". Apple's published egress list has hundreds of thousands of ranges, so
// a look-up must not walk them (node:net's BlockList checks its rules one by one): each family's ranges are
// merged into sorted, disjoint intervals and found by binary search, O(log n). An address is compared as a
// fixed-width hex string (8 digits for IPv4, 32 for IPv6), whose string order is its numeric order.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpRanges {
  has(ip: string): boolean;
  /** The ranges the file listed. */
  readonly size: number;
}

export class IpRangesError extends Error {
  readonly code = 'ip_ranges_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'IpRangesError';
  }
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** A valid IPv4 address as 8 hex digits. */
function ipv4Hex(address: string): string {
  return address
    .split('.')
    .map((octet) => hex(Number(octet), 2))
    .join('');
}

/** A valid IPv6 address (with "::" and an IPv4 tail, as isIPv6 allows) as 32 hex digits. */
function ipv6Hex(address: string): string {
  const zoneless = address.split('%')[0]!;
  const [head = '', tail] = zoneless.split('::');
  const groups = (part: string): string[] => {
    if (part === '') return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [g.padStart(4, '0')];
      const v4 = ipv4Hex(g);
      return [v4.slice(0, 4), v4.slice(4)];
    });
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: missing }, () => '0000'), ...right].join('').toLowerCase();
}

/** Sets the last `hostBits` bits of a hex address to `bit` (0 or 1): a range's first or last address. */
function withHostBits(address: string, hostBits: number, bit: 0 | 1): string {
  const networkBits = address.length * 4 - hostBits;
  const whole = networkBits >> 2;
  const partial = networkBits & 3;
  if (whole === address.length) return address;
  let out = address.slice(0, whole);
  if (partial > 0) {
    const mask = (0xf << (4 - partial)) & 0xf;
    out += ((parseInt(address[whole]!, 16) & mask) | (bit ? ~mask & 0xf : 0)).toString(16);
  }
  return out + (bit ? 'f' : '0').repeat(address.length - out.length);
}

/** Sorted, merged intervals of one family, and their look-up. */
class Intervals {
  private readonly starts: string[] = [];
  private readonly ends: string[] = [];

  constructor(ranges: [string, string][]) {
    ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [start, end] of ranges) {
      const last = this.ends.length - 1;
      // Overlapping (or nested) ranges merge; adjacent ones may stay apart, which changes nothing.
      if (last >= 0 && start <= this.ends[last]!) {
        if (end > this.ends[last]!) this.ends[last] = end;
      } else {
        this.starts.push(start);
        this.ends.push(end);
      }
    }
  }

  has(address: string): boolean {
    // The last interval starting at or before the address, then whether it reaches it.
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= address) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && address <= this.ends[found]!;
  }
}

/** Lines of `CIDR[,anything]`; blank lines and # comments skipped. Throws IpRangesError naming the bad line. */
export function parseIpRanges(text: string, source = 'the ranges file'): IpRanges {
  const v4: [string, string][] = [];
  const v6: [string, string][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const entry = line.replace(/#.*/, '').split(',')[0]!.trim();
    if (!entry) return;
    const [address = '', bits = '', extra] = entry.split('/');
    const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : null;
    const prefix = Number(bits);
    if (!family || extra !== undefined || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
      throw new IpRangesError(`Line ${i + 1} of ${source} holds "${entry}", which is not a CIDR range such as 17.0.0.0/8 or 2a01:b740::/32.`);
    }
    const base = family === 4 ? ipv4Hex(address) : ipv6Hex(address);
    const hostBits = (family === 4 ? 32 : 128) - prefix;
    (family === 4 ? v4 : v6).push([withHostBits(base, hostBits, 0), withHostBits(base, hostBits, 1)]);
  });
  const size = v4.length + v6.length;
  const ipv4 = new Intervals(v4);
  const ipv6 = new Intervals(v6);
  return {
    size,
    has(ip: string) {
      // IPv4 seen through an IPv6 socket (::ffff:17.1.2.3) is matched as IPv4.
      const mapped = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : null;
      if (mapped !== null && isIPv4(mapped)) return ipv4.has(ipv4Hex(mapped));
      if (isIPv4(ip)) return ipv4.has(ipv4Hex(ip));
      if (isIPv6(ip)) return ipv6.has(ipv6Hex(ip));
      return false;
    },
  };
}
