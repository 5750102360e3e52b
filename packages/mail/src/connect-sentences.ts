// What a connect check says when the settings are refused before connecting, or its one login attempt
// fails for a reason that is not a disconnect reason: a closed set of codes, each with one sentence
// whose `{placeholders}` are the server, the provider's words and the like. No imports: the CLI's
// English, packages/i18n's translations and connect-failure.ts all read this one table.

export const CONNECT_SENTENCE_CODES = ['pop3_settings', 'plaintext_imap', 'plaintext_smtp', 'throttled', 'unreachable', 'tls_mode', 'failed'] as const;

export type ConnectSentenceCode = (typeof CONNECT_SENTENCE_CODES)[number];

/**
 * `{server}` is host:port; `{suggested}` the IMAP host:port to try instead of POP3; `{detail}` the
 * server's or the OS's own words; `{tls}` the TLS mode given; `{throttle}` the throttle reason's sentence.
 */
export const CONNECT_SENTENCES: Readonly<Record<ConnectSentenceCode, string>> = {
  pop3_settings:
    "{server} is a POP3 server, and reply-sync only supports IMAP; try the provider's IMAP server instead, e.g. {suggested} with TLS (or port 143 with STARTTLS).",
  plaintext_imap:
    'With TLS mode "none" the IMAP server {server} would receive the password unencrypted, and it is not on this machine, so reply-sync refuses it; use TLS mode tls (port 993) or starttls (port 143), or, only if the network to that server is trusted, allow plaintext for this inbox with --allow-plaintext.',
  plaintext_smtp:
    'With TLS mode "none" the SMTP server {server} would receive the password unencrypted, and it is not on this machine, so reply-sync refuses it; use TLS mode tls (port 465) or starttls (port 587), or, only if the network to that server is trusted, allow plaintext for this inbox with --allow-plaintext.',
  throttled: '{throttle} Nothing was saved; try again in a few minutes ({server} said: {detail}).',
  unreachable: 'Could not reach the IMAP server {server} ({detail}); check the host and port, then try again.',
  tls_mode: 'Could not connect to {server} with TLS mode "{tls}" ({detail}); check the port and TLS mode (993 with TLS, or 143 with STARTTLS).',
  failed: 'Connecting to {server} failed ({detail}).',
};

/** `{name}` → values[name], verbatim (a `$` in a server's words is not a replacement pattern). */
export function fillSentence(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function connectSentence(code: ConnectSentenceCode, values: Readonly<Record<string, string>>): string {
  return fillSentence(CONNECT_SENTENCES[code], values);
}
