// Putting mail where tests need it: LMTP delivery (as an MTA would), IMAP APPEND, mailbox creation.
import nodemailer from 'nodemailer';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { profileOf, stack, type ProfileName } from './stack-config';
import type { MailUser } from './mail-users';

export interface DeliverOptions {
  /** Defaults to the recipient's domain (gmail.test → gmail, else standard). */
  profile?: ProfileName;
  /** Envelope sender (MAIL FROM); defaults to bounce@sender.test. */
  from?: string;
}

function addressOf(to: MailUser | string): string {
  return typeof to === 'string' ? to : to.address;
}

/** Delivers a raw message into the recipient's INBOX by LMTP. Rejects if Dovecot refuses any recipient. */
export async function deliver(
  to: MailUser | string | ReadonlyArray<MailUser | string>,
  raw: string | Buffer,
  options: DeliverOptions = {},
): Promise<void> {
  const recipients = (Array.isArray(to) ? to : [to]).map(addressOf);
  const first = recipients[0];
  if (!first) throw new Error('deliver() needs at least one recipient');
  const profile = options.profile ? stack.profiles[options.profile] : profileOf(first);
  const transport = nodemailer.createTransport({ host: profile.host, port: profile.lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from: options.from ?? 'bounce@sender.test', to: recipients }, raw });
    if (info.rejected.length > 0) {
      throw new Error(`LMTP (${profile.name}) rejected ${info.rejected.join(', ')}: ${info.response}`);
    }
  } finally {
    transport.close();
  }
}

export interface OpenImapOptions {
  /** IMAPS (implicit TLS) instead of the plain port with STARTTLS. */
  secure?: boolean;
  /** Stay on plaintext on the plain port (no STARTTLS). */
  plaintext?: boolean;
  /** Overrides the user's own password (e.g. to try an old one). */
  password?: string;
  /** Extra imapflow options (logger, emitLogs, ...). */
  client?: Partial<ImapFlowOptions>;
}

/** An imapflow client, connected and logged in as the user, trusting the stack's certificate. */
export async function openImap(user: MailUser, options: OpenImapOptions = {}): Promise<ImapFlow> {
  const profile = stack.profiles[user.profile];
  const client = new ImapFlow({
    host: profile.host,
    port: options.secure ? profile.imapsPort : profile.imapPort,
    secure: options.secure ?? false,
    doSTARTTLS: options.secure || options.plaintext ? undefined : true,
    auth: { user: user.user, pass: options.password ?? user.password },
    tls: { ca: [stack.caCert] },
    logger: false,
    ...options.client,
  });
  // An error event without a listener would crash the test process after the test already failed.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function withImap<T>(user: MailUser, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await openImap(user);
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Appends a message to a mailbox (e.g. Junk or a subfolder); returns its UID there. */
export async function appendTo(
  user: MailUser,
  mailboxPath: string,
  raw: string | Buffer,
  flags: string[] = [],
  internalDate?: Date,
): Promise<{ uid: number | undefined; uidValidity: bigint | undefined }> {
  return withImap(user, async (client) => {
    const result = await client.append(mailboxPath, raw, flags, internalDate);
    if (!result) throw new Error(`APPEND to ${mailboxPath} for ${user.user} failed`);
    return { uid: result.uid, uidValidity: result.uidValidity };
  });
}

/** Creates a mailbox (parents too); `path` uses the profile's separator ("." standard, "/" gmail). */
export async function createMailbox(user: MailUser, path: string): Promise<void> {
  await withImap(user, async (client) => {
    await client.mailboxCreate(path);
  });
}

/** The Message-IDs in a user's INBOX, oldest first (none when the INBOX cannot be read yet). */
export async function inboxMessageIds(user: MailUser): Promise<string[]> {
  const client = await openImap(user);
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    return (await client.fetchAll('1:*', { envelope: true })).map((r) => r.envelope?.messageId ?? '');
  } catch {
    return [];
  } finally {
    await client.logout().catch(() => undefined);
  }
}
