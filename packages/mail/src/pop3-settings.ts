// Refuses POP3 settings before connecting, with the IMAP settings to try instead.
import { connectSentence } from './connect-sentences';
import { MailSettingsError } from './errors';
import type { ImapSettings } from './settings';

const POP3_PORTS = new Set([110, 995]);
const POP3_HOST = /^pop3?\./i;

export function looksLikePop3(settings: Pick<ImapSettings, 'host' | 'port'>): boolean {
  return POP3_PORTS.has(settings.port) || POP3_HOST.test(settings.host.trim());
}

/** The IMAP server to suggest instead: pop.example.com → imap.example.com, POP3 ports → 993. */
export function suggestedImapSettings(settings: Pick<ImapSettings, 'host' | 'port'>): { host: string; port: number } {
  const host = settings.host.trim();
  return { host: POP3_HOST.test(host) ? host.replace(POP3_HOST, 'imap.') : host, port: 993 };
}

/** The values of the `pop3_settings` sentence: the server given and the IMAP server to try. */
export function pop3SentenceValues(settings: Pick<ImapSettings, 'host' | 'port'>): { server: string; suggested: string } {
  const s = suggestedImapSettings(settings);
  return { server: `${settings.host.trim()}:${settings.port}`, suggested: `${s.host}:${s.port}` };
}

/** The support sentence for POP3 settings (no connection made). */
export function pop3Sentence(settings: Pick<ImapSettings, 'host' | 'port'>): string {
  return connectSentence('pop3_settings', pop3SentenceValues(settings));
}

/** Throws MailSettingsError (code `pop3_not_supported`) for POP3 ports 110/995 or a pop./pop3. host. */
export function assertNotPop3(settings: Pick<ImapSettings, 'host' | 'port'>): void {
  if (!looksLikePop3(settings)) return;
  throw new MailSettingsError('pop3_not_supported', pop3Sentence(settings), `POP3 settings: ${settings.host.trim()}:${settings.port}`);
}
