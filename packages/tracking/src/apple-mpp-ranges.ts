// The shipped list of Apple Mail Privacy Protection egress ranges (data/apple-mpp-egress.csv), or another file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIpRanges, type IpRanges } from './ip-ranges';

export const SHIPPED_APPLE_MPP_RANGES = fileURLToPath(new URL('../data/apple-mpp-egress.csv', import.meta.url));

export function loadIpRanges(path: string = SHIPPED_APPLE_MPP_RANGES): IpRanges {
  return parseIpRanges(readFileSync(path, 'utf8'), path);
}
