// The IP range lists shipped as data (packages/tracking/data; dist/data in a build), each replaceable by a
// file of the operator's: Apple Mail Privacy Protection's egress ranges, and mail security scanners' ranges.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIpRanges, type IpRanges } from './ip-ranges';
import type { ClassifyOptions } from './classify-event';

export const SHIPPED_APPLE_MPP_RANGES = fileURLToPath(new URL('../data/apple-mpp-egress.csv', import.meta.url));
export const SHIPPED_SCANNER_RANGES = fileURLToPath(new URL('../data/security-scanner-ranges.csv', import.meta.url));

/** A ranges file; throws IpRangesError naming the file and the bad line. */
export function loadIpRanges(path: string): IpRanges {
  return parseIpRanges(readFileSync(path, 'utf8'), path);
}

/** The classifier's two lists: the operator's files where given (TRACKING_*_RANGES_FILE), else the shipped ones. */
export function loadTrackingRanges(files: { apple?: string | undefined; scanners?: string | undefined } = {}): Pick<ClassifyOptions, 'appleRanges' | 'scannerRanges'> {
  return { appleRanges: loadIpRanges(files.apple ?? SHIPPED_APPLE_MPP_RANGES), scannerRanges: loadIpRanges(files.scanners ?? SHIPPED_SCANNER_RANGES) };
}
