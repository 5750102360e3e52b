// The ranges files' look-up (sorted intervals, binary search) answers as node:net's BlockList does for
// any ranges and addresses of both families, IPv4 seen through IPv6 included; a file of Apple's size
// (300,000 ranges) loads and answers quickly; a bad line is refused with its number.
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpRanges } from '../src/index';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
// Few distinct high groups, so ranges and addresses meet often.
const ipv6 = fc.tuple(fc.constantFrom('2a01', '2001', 'fe80'), fc.constantFrom('b740', 'db8', '0'), fc.array(fc.nat(0xffff), { minLength: 6, maxLength: 6 })).map(([a, b, rest]) => [a, b, ...rest.map((g) => g.toString(16))].join(':'));
/** Writes an IPv6 address the short way (the longest run of zero groups as "::"), as a file or a socket might. */
const compressed = (address: string) => {
  const groups = address.split(':').map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { at: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
};

const runs = () => ({ numRuns: Number(process.env.FUZZ_RUNS ?? 200) });

describe('parseIpRanges', () => {
  it('answers as BlockList does for IPv4 ranges of any prefix and any address', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 40 }), fc.array(ipv4, { minLength: 1, maxLength: 40 }), (ranges, addresses) => {
        const list = new BlockList();
        for (const [a, p] of ranges) list.addSubnet(a, p, 'ipv4');
        const ours = parseIpRanges(ranges.map(([a, p]) => `${a}/${p}`).join('\n'));
        // Addresses inside the ranges too: a range's own base address, and the given ones.
        for (const address of [...addresses, ...ranges.map(([a]) => a)]) {
          expect(ours.has(address), address).toBe(list.check(address, 'ipv4'));
          expect(ours.has(`::ffff:${address}`), `::ffff:${address}`).toBe(list.check(address, 'ipv4'));
        }
      }),
      runs(),
    );
  });

  it('answers as BlockList does for IPv6 ranges, written long or short', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })), { minLength: 1, maxLength: 30 }), fc.array(ipv6, { minLength: 1, maxLength: 30 }), (ranges, addresses) => {
        const list = new BlockList();
        for (const [a, p] of ranges) list.addSubnet(a, p, 'ipv6');
        const ours = parseIpRanges(ranges.map(([a, p]) => `${compressed(a)}/${p}`).join('\n'));
        for (const address of [...addresses, ...ranges.map(([a]) => a)]) {
          const expected = list.check(address, 'ipv6');
          expect(ours.has(address), address).toBe(expected);
          expect(ours.has(compressed(address).toUpperCase()), compressed(address)).toBe(expected);
        }
      }),
      runs(),
    );
  });

  it('reads the file format: comments, blank lines, CSV columns, "::" and IPv4 tails; refuses a bad line by number', () => {
    const ranges = parseIpRanges('# Apple\n17.0.0.0/8,US,,,\n\n2a01:b740::/32,US,US-CA,Cupertino,\n::ffff:192.0.2.0/120\n');
    expect(ranges.size).toBe(3);
    expect(ranges.has('17.255.0.1')).toBe(true);
    expect(ranges.has('18.0.0.1')).toBe(false);
    expect(ranges.has('2a01:b740:ffff::1')).toBe(true);
    expect(ranges.has('2a01:b741::1')).toBe(false);
    expect(ranges.has('::ffff:c000:2ff')).toBe(true);
    expect(ranges.has('not an address')).toBe(false);
    for (const bad of ['17.0.0.0/33', '17.0.0.0', '17.0.0/8', '2a01::/129', '2a01::/32/1', 'fe80::1%eth0/64', 'apple']) {
      expect(() => parseIpRanges(`10.0.0.0/8\n${bad}`, 'x.csv'), bad).toThrow(/^Line 2 of x\.csv holds/);
    }
  });

  it("loads a list of Apple's size (300,000 ranges) and answers without walking it", () => {
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i++) lines.push(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24,US,,,`, `2a01:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/48,US,,,`);
    const ranges = parseIpRanges(lines.join('\n'));
    expect(ranges.size).toBe(300_000);
    const started = performance.now();
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (ranges.has(`${10 + ((i * 7) % 3)}.${i & 255}.${(i >> 3) & 255}.9`)) hits += 1;
    // A BlockList of this size takes about 20 ms per look-up (measured here): 100,000 would take half an hour.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(hits).toBeGreaterThan(0);
    expect(ranges.has('2a01:1:2::5')).toBe(true);
    expect(ranges.has('2a01:3::1')).toBe(false);
  });
});
