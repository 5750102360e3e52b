// TLS mode `none` sends the password (or OAuth token) and every message in clear. It is allowed to a
// server on this machine (loopback) and elsewhere only when the inbox explicitly allows it
// (`inbox connect --allow-plaintext`, stored on the inbox), never by default.
import { isIP } from 'node:net';
import { connectSentence } from './connect-sentences';
import { MailSettingsError } from './errors';
import type { ImapSettings } from './settings';

/** 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z), and the name `localhost`. */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    // The URL parser writes every spelling of an address the same way (0:0::1 → ::1, ::ffff:127.0.0.1 → ::ffff:7f00:1).
    const canonical = new URL(`http://[${h}]/`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  }
  return false;
}

export type PlaintextCheck = Pick<ImapSettings, 'host' | 'port' | 'tls' | 'allowPlaintext'>;

/** True when these settings send credentials in clear to a host other than this machine. */
export function isRemotePlaintext(settings: Pick<ImapSettings, 'host' | 'tls'>): boolean {
  return settings.tls === 'none' && !isLoopbackHost(settings.host);
}

/** The support sentence for refused plaintext settings (no connection made). */
export function plaintextSentence(settings: Pick<ImapSettings, 'host' | 'port'>, protocol: 'IMAP' | 'SMTP'): string {
  return connectSentence(protocol === 'IMAP' ? 'plaintext_imap' : 'plaintext_smtp', { server: `${settings.host.trim()}:${settings.port}` });
}

/** Throws MailSettingsError (code `plaintext_not_allowed`) for `tls: none` to a non-loopback host without the inbox's allowance. */
export function assertPlaintextAllowed(settings: PlaintextCheck, protocol: 'IMAP' | 'SMTP'): void {
  if (!isRemotePlaintext(settings) || settings.allowPlaintext === true) return;
  throw new MailSettingsError(
    'plaintext_not_allowed',
    plaintextSentence(settings, protocol),
    `${protocol} ${settings.host.trim()}:${settings.port} with TLS mode none, plaintext not allowed for this inbox`,
  );
}
