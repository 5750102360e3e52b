// How a contact's or user's address is written, so normalizeAddress (threading) look-ups find it.
import { normalizeAddress } from '@reply-sync/threading';

/**
 * The address as typed (its case kept for display) when lower-casing is all normalizeAddress would
 * do; otherwise, for an IDN domain (`ana@xn--mller-kva.test`) or stray brackets, the normalised form,
 * so `lower(email) = normalizeAddress(x)` finds it whichever way either side wrote the domain.
 */
export function storedAddress(raw: string): string {
  const normalized = normalizeAddress(raw);
  return normalized === raw.trim().toLowerCase() ? raw.trim() : normalized;
}
