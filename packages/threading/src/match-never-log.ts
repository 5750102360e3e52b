// The account's never-log list applied to one address.

import type { NeverLogEntry } from './types';

/**
 * The never-log entry covering `address`, or null. An `address` entry matches the whole address,
 * case-insensitively; a `domain` entry matches that domain and every subdomain (`example.com` covers
 * `sales.example.com`, not `badexample.com`). Entries are read forgivingly (`@example.com`,
 * `*.example.com`, upper case) since people type them.
 */
export function matchNeverLog(address: string, entries: readonly NeverLogEntry[]): NeverLogEntry | null {
  const addr = address.trim().toLowerCase();
  const at = addr.lastIndexOf('@');
  const domain = at === -1 ? '' : addr.slice(at + 1).replace(/\.$/, '');
  for (const entry of entries) {
    const value = entry.value.trim().toLowerCase();
    if (!value) continue;
    if (entry.kind === 'address') {
      if (value === addr) return entry;
    } else {
      const d = value.replace(/^\*?\.?@?/, '').replace(/\.$/, '');
      if (d && domain && (domain === d || domain.endsWith(`.${d}`))) return entry;
    }
  }
  return null;
}
