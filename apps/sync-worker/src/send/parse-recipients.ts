// The To and Cc of a send, as the CLI saves them (`bob@x.test` or `Bob <bob@x.test>`), parsed once with
// nodemailer's address parser (the one its composer uses for the header): the bare address goes to the
// SMTP envelope, the contacts, the never-log check and the logged email; the name only into the header.
import addressparser from 'nodemailer/lib/addressparser';
import { SendError } from './send-error';

export interface Recipient {
  /** The bare address as written (case kept for the header). */
  address: string;
  /** The display name, '' when none was given. */
  name: string;
}

export interface SendRecipients {
  to: Recipient[];
  cc: Recipient[];
}

// One @, no spaces or angle brackets, a dotted-or-not domain: what an SMTP server will take in RCPT TO.
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"\[\]]+$/;

function parseField(field: 'To' | 'Cc', values: readonly string[]): Recipient[] {
  const out: Recipient[] = [];
  for (const value of values) {
    const parsed = addressparser(value, { flatten: true });
    const bad = parsed.length === 0 || parsed.some((a) => !ADDRESS.test(a.address));
    if (bad) {
      throw new SendError(
        'invalid_request',
        `The ${field} recipient "${value}" is not an email address; write it as name@example.com or Name <name@example.com>. Nothing was sent.`,
      );
    }
    for (const a of parsed) out.push({ address: a.address, name: a.name });
  }
  return out;
}

/** Throws SendError `invalid_request` (final) naming the first value that is not an address. */
export function parseRecipients(data: { to: readonly string[]; cc?: readonly string[] }): SendRecipients {
  return { to: parseField('To', data.to), cc: parseField('Cc', data.cc ?? []) };
}

/** Lower-cased bare addresses of both fields, for comparisons. */
export function bareAddresses(recipients: SendRecipients): string[] {
  return [...recipients.to, ...recipients.cc].map((r) => r.address.toLowerCase());
}
