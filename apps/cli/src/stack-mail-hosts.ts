// Where the local stack's mail servers are, for the OAuth providers under --stack. Its own module, with
// type imports only: `reply-sync api` (whose definition every command line loads, --help included) needs
// it, and env.ts would bring the encryption keys' parser (zod) into --help.
import type { ProvidersFromEnvOptions } from '@reply-sync/mail';

type EnvSource = Record<string, string | undefined>;

/** Under --stack, Gmail inboxes live on the stack's gmail-profile Dovecot, Office 365 ones on the standard one; both send through Postfix. */
export function stackMailHosts(source: EnvSource): Pick<ProvidersFromEnvOptions, 'gmail' | 'office365'> {
  const host = source.STACK_IMAP_HOST || '127.0.0.1';
  const smtp = { host, port: Number(source.STACK_SMTP_SUBMISSION_PORT || 51587), tls: 'starttls' as const };
  return {
    gmail: { imap: { host, port: Number(source.STACK_GMAIL_IMAPS_PORT || 52993), tls: 'tls' }, smtp },
    office365: { imap: { host, port: Number(source.STACK_IMAPS_PORT || 51993), tls: 'tls' }, smtp },
  };
}

