// Which logged email a reply answers: the ids to look up, in the order they are tried, and the pick.

import type { ThreadRef } from './types';

export const DEFAULT_MAX_CANDIDATES = 50;

/**
 * The normalised ids to look up, in the order they are tried: In-Reply-To first, then References
 * from newest (last) to oldest; duplicates removed; at most `max`.
 *
 * When the list must be cut, the newest ids are kept and the last slot goes to the oldest reference
 * (the thread's root). Clients that trim References themselves keep the first id for the same reason
 * (RFC 5322 §3.6.4), and the root is most often the email the CRM itself sent, so a long thread still
 * finds its way home.
 */
export function threadCandidates(
  inReplyTo: readonly string[],
  references: readonly string[],
  max: number = DEFAULT_MAX_CANDIDATES,
): string[] {
  const limit = Math.max(0, Math.floor(max));
  const out: string[] = [];
  if (limit === 0) return out;
  const seen = new Set<string>();
  const add = (id: string | undefined): boolean => {
    if (id && !seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
    return out.length >= limit;
  };
  for (const id of inReplyTo) if (add(id)) return withRoot(out, seen, references, limit);
  for (let i = references.length - 1; i >= 0; i--) {
    if (add(references[i])) return i > 0 ? withRoot(out, seen, references, limit) : out;
  }
  return out;
}

function withRoot(out: string[], seen: Set<string>, references: readonly string[], limit: number): string[] {
  const root = references[0];
  if (root && !seen.has(root) && limit > 1) out[limit - 1] = root;
  return out;
}

/**
 * The first candidate that is a logged email (the rule Odoo's mail gateway uses), or null. Never
 * falls back to the subject: two threads may share one, and a wrong merge is worse than a miss.
 */
export function findThread(
  candidates: readonly string[],
  found: ReadonlyMap<string, ThreadRef>,
): ThreadRef | null {
  for (const id of candidates) {
    const ref = found.get(id);
    if (ref) return ref;
  }
  return null;
}
