// Refuses POP3 settings before connecting, with the IMAP settings to try instead.
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

/** The support sentence for POP3 settings (no connection made). */
export function pop3Sentence(settings: Pick<ImapSettings, 'host' | 'port'>): string {
  const s = suggestedImapSettings(settings);
  return (
    `${settings.host.trim()}:${settings.port} is a POP3 server, and reply-sync only supports IMAP; ` +
    `try the provider's IMAP server instead, e.g. ${s.host}:${s.port} with TLS (or port 143 with STARTTLS).`
  );
}

/** Throws MailSettingsError (code `pop3_not_supported`) for POP3 ports 110/995 or a pop./pop3. host. */
export function assertNotPop3(settings: Pick<ImapSettings, 'host' | 'port'>): void {
  if (!looksLikePop3(settings)) return;
  throw new MailSettingsError('pop3_not_supported', pop3Sentence(settings), `POP3 settings: ${settings.host.trim()}:${settings.port}`);
}
