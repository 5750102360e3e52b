// The one place db turns a Message-ID header value into the normalised form it stores and compares.
import { normalizeMessageId } from '@reply-sync/threading';
import { DbError } from './errors';

/** normalizeMessageId from @reply-sync/threading, but a missing or unparseable id is an error. */
export function requireMessageIdNorm(raw: string): string {
  const norm = normalizeMessageId(raw);
  if (!norm) {
    throw new DbError('invalid_message_id', `"${raw}" is not a Message-ID that can be stored; the email needs a Message-ID header.`);
  }
  return norm;
}

/** Normalises when possible; an id that does not parse is kept trimmed so it can still be found. */
export function messageIdNormOrRaw(raw: string): string {
  return normalizeMessageId(raw) ?? raw.trim();
}
