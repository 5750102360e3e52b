// Finds the mailbox a user's sent mail is filed in: the server's \Sent special-use, else a known name.
import type { ImapFlow, ListResponse } from 'imapflow';

/**
 * Names clients and providers give the Sent folder, most common first. Compared case-insensitively
 * against the whole path (delimiter shown as "/") and then against the last path segment.
 */
export const SENT_MAILBOX_NAMES = [
  'Sent',
  'Sent Items',
  'Sent Messages',
  'Sent Mail',
  '[Gmail]/Sent Mail',
  '[Google Mail]/Sent Mail',
  'INBOX/Sent',
  'INBOX/Sent Items',
  'INBOX/Sent Messages',
  'Gesendet',
  'Gesendete Elemente',
  'Gesendete Objekte',
  'Envoyés',
  'Éléments envoyés',
  'Messages envoyés',
  'Elementos enviados',
  'Enviados',
  'Posta inviata',
  'Elementi inviati',
  'Inviati',
  'Verzonden items',
  'Verzonden',
  'Itens enviados',
  'Skickat',
  'Skickade objekt',
  'Sendt',
  'Sendte elementer',
  'Wysłane',
] as const;

/** The fields of a LIST entry this needs; imapflow's ListResponse has them. */
export type MailboxListEntry = Pick<ListResponse, 'path' | 'name' | 'delimiter' | 'flags' | 'specialUse' | 'specialUseSource'>;

const fold = (s: string): string => s.normalize('NFC').toLocaleLowerCase('en');

function selectable(entry: MailboxListEntry): boolean {
  for (const flag of entry.flags) {
    const f = flag.toLowerCase();
    if (f === '\\noselect' || f === '\\nonexistent') return false;
  }
  return true;
}

/** Pure part of findSentMailbox: picks the Sent mailbox from a LIST result. */
export function pickSentMailbox(entries: readonly MailboxListEntry[]): string | null {
  const candidates = entries.filter(selectable);
  const declared = (e: MailboxListEntry): boolean =>
    (e.specialUse === '\\Sent' && e.specialUseSource !== 'name') || [...e.flags].some((f) => f.toLowerCase() === '\\sent');
  const byServer = candidates.find(declared);
  if (byServer) return byServer.path;

  const slashPath = (e: MailboxListEntry): string => fold(e.delimiter ? e.path.split(e.delimiter).join('/') : e.path);
  for (const name of SENT_MAILBOX_NAMES) {
    const hit = candidates.find((e) => slashPath(e) === fold(name));
    if (hit) return hit.path;
  }
  for (const name of SENT_MAILBOX_NAMES) {
    const hit = candidates.find((e) => fold(e.name) === fold(name));
    if (hit) return hit.path;
  }
  // imapflow's own guess from its table of localised names, as a last resort.
  return candidates.find((e) => e.specialUse === '\\Sent')?.path ?? null;
}

/** The path of the mailbox sent mail goes to, or null when the account has none we recognise. */
export async function findSentMailbox(client: Pick<ImapFlow, 'list'>): Promise<string | null> {
  return pickSentMailbox(await client.list());
}
