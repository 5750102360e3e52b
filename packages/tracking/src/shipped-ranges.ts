// The IP range lists shipped as data (packages/tracking/data; dist/data in a build), each replaceable by a
// file of the operator's: Apple Mail Privacy Protection's egress ranges, and mail security scanners' ranges.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIpRanges, type IpRanges } from './ip-ranges';

export const SHIPPED_APPLE_MPP_RANGES = fileURLToPath(new URL('../data/apple-mpp-egress.csv', import.meta.url));
export const SHIPPED_SCANNER_RANGES = fileURLToPath(new URL('../data/security-scanner-ranges.csv', import.meta.url));

/** A ranges file (Apple's by default); throws IpRangesError naming the file and the bad line. */
export function loadIpRanges(path: string = SHIPPED_APPLE_MPP_RANGES): IpRanges {
  return parseIpRanges(readFileSync(path, 'utf8'), path);
}
