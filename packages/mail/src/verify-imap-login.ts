// The CLI's `inbox connect` check: refuse POP3, log in, open INBOX read-only, find Sent, log out.
import type { ImapFlow } from 'imapflow';
import { classifyMailError, type MailErrorClass } from './classify-error';
import { createImapClient } from './create-imap-client';
import { connectFailureSentence } from './connect-failure';
import { MailConnectError, Pop3GreetingError } from './errors';
import { pickSentMailbox } from './find-sent-mailbox';
import { assertNotPop3 } from './pop3-settings';
import { isPop3Greeting, readGreeting } from './probe-greeting';
import type { ConnectOptions, ImapSettings, MailCredentials } from './settings';

export interface VerifyImapLoginResult {
  ok: true;
  /** The server's capabilities after login, e.g. ['IMAP4rev1', 'IDLE', 'UIDPLUS', ...]. */
  capabilities: string[];
  /** Path of the Sent mailbox, or null if none was recognised. */
  sentMailbox: string | null;
  hasIdle: boolean;
}

export interface VerifyOptions extends ConnectOptions {
  /** The inbox's address, for the sentences; defaults to the username. */
  address?: string;
}

/** A server that never greets, greets oddly or hangs up at once may be POP3 on an IMAP port. */
const GREETING_PROBLEM_CODES = new Set(['GREETING_TIMEOUT', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS', 'InvalidResponse', 'UnexpectedTag']);

async function pop3OnImapPort(err: unknown, settings: ImapSettings, options: ConnectOptions): Promise<Pop3GreetingError | null> {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(GREETING_PROBLEM_CODES.has(code) || code.startsWith('ParserError'))) return null;
  const greeting = await readGreeting(settings, { ...(options.ca !== undefined ? { ca: options.ca } : {}), timeoutMs: 3_000 });
  return isPop3Greeting(greeting) ? new Pop3GreetingError(greeting ?? '+OK') : null;
}

async function endSession(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    client.close();
  }
}

/**
 * Logs in with these settings and credentials and checks the inbox is usable. Throws
 * MailSettingsError for POP3 settings (before connecting) and MailConnectError for any failure,
 * carrying { kind, reason, detail, sentence }. Makes exactly one login attempt: never retried.
 */
export async function verifyImapLogin(settings: ImapSettings, credentials: MailCredentials, options: VerifyOptions = {}): Promise<VerifyImapLoginResult> {
  assertNotPop3(settings);
  const address = options.address ?? credentials.username;
  const { address: _address, ...connectOptions } = options;
  // A real IMAP server greets within milliseconds; don't keep the person at the CLI waiting long.
  const client = createImapClient(settings, credentials, { greetingTimeoutMs: 8_000, ...connectOptions });
  // imapflow also emits failures as 'error' events; connect()'s rejection is the one we act on.
  client.on('error', () => {});

  const fail = async (err: unknown): Promise<never> => {
    const pop3 = await pop3OnImapPort(err, settings, options);
    const cls = classifyMailError(pop3 ?? err, credentials);
    throw new MailConnectError({ ...cls, sentence: connectFailureSentence(cls, settings, address) }, { cause: pop3 ?? err });
  };

  try {
    await client.connect();
  } catch (err) {
    client.close();
    return fail(err);
  }
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const sentMailbox = pickSentMailbox(await client.list());
    const capabilities = [...client.capabilities.keys()];
    return { ok: true, capabilities, sentMailbox, hasIdle: client.capabilities.has('IDLE') };
  } catch (err) {
    return fail(err);
  } finally {
    await endSession(client);
  }
}
