// The account's never-log list applied to one address.

import { normalizeAddress, normalizeDomain } from './normalize-address';
import type { NeverLogEntry } from './types';

/**
 * The never-log entry covering `address`, or null. An `address` entry matches the whole address,
 * case-insensitively; a `domain` entry matches that domain and every subdomain (`example.com` covers
 * `sales.example.com`, not `badexample.com`). Entries are read forgivingly (`@example.com`,
 * `*.example.com`, upper case, punycode or Unicode IDNs) since people type them.
 */
export function matchNeverLog(address: string, entries: readonly NeverLogEntry[]): NeverLogEntry | null {
  const addr = normalizeAddress(address);
  const at = addr.lastIndexOf('@');
  const domain = at === -1 ? '' : addr.slice(at + 1).replace(/\.$/, '');
  for (const entry of entries) {
    if (!entry.value.trim()) continue;
    if (entry.kind === 'address') {
      if (normalizeAddress(entry.value) === addr) return entry;
    } else {
      const d = normalizeDomain(entry.value.trim().replace(/^\*?\.?@?/, '')).replace(/\.$/, '');
      if (d && domain && (domain === d || domain.endsWith(`.${d}`))) return entry;
    }
  }
  return null;
}
