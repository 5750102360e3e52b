// Connecting password (IMAP) inboxes: log in first, save only on success, credentials encrypted; and
// removing an inbox. Reading an inbox's state (list, show) is inbox-status.ts, which needs no mail code.
import type { EncryptionKeys, Inbox, Scoped } from '@reply-sync/db';
import {
  assertNotPop3,
  assertPlaintextAllowed,
  isRemotePlaintext,
  verifyImapLogin,
  type ImapSettings,
  type SmtpSettings,
} from '@reply-sync/mail';
import { OperationError } from './operation-error';
import { TLS_MODES } from './tls-modes';
import { requireUser } from './accounts';
import { requireInbox } from './inbox-status';

export interface MailDeps {
  keys: EncryptionKeys;
  /** Extra trusted CA (PEM) for servers with private certificates (REPLY_SYNC_TLS_CA_FILE). */
  tlsCa?: string | undefined;
}

export interface ConnectInboxInput {
  /** Owner of a personal inbox; omit (with team: true) for a team inbox. */
  userEmail?: string | undefined;
  team?: boolean | undefined;
  address: string;
  aliases?: string[] | undefined;
  /** `allowPlaintext` (--allow-plaintext) covers the SMTP server too: the inbox stores one allowance. */
  imap: ImapSettings;
  smtp?: Omit<SmtpSettings, 'allowPlaintext'> | undefined;
  username: string;
  password: string;
  /** authserv-ids trusted for sender verification (checked by parseAuthservIds); default: none for IMAP. */
  trustedAuthservIds?: string[] | undefined;
}

export interface ConnectedInbox {
  inbox: Inbox;
  capabilities: string[];
  hasIdle: boolean;
  sentMailbox: string | null;
}

function checkServer(settings: ImapSettings, protocol: 'IMAP' | 'SMTP', usualPorts: string): void {
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) {
    throw new OperationError('invalid_port', `${settings.port} is not a TCP port; give the ${protocol} port, usually ${usualPorts}.`);
  }
  if (!TLS_MODES.includes(settings.tls)) {
    throw new OperationError('invalid_tls_mode', `TLS mode "${settings.tls}" is not one of tls, starttls, none.`);
  }
  // Plaintext to a server elsewhere only with the inbox's allowance (plaintext_not_allowed otherwise).
  assertPlaintextAllowed(settings, protocol);
}

/**
 * Checks the IMAP (and SMTP) settings before anything else is asked for: POP3 and plaintext to a
 * non-loopback host without --allow-plaintext are refused with the mail package's sentences.
 */
export function checkImapSettings(imap: ImapSettings, smtp?: SmtpSettings): void {
  checkServer(imap, 'IMAP', '993 (TLS) or 143 (STARTTLS)');
  assertNotPop3(imap);
  if (smtp) checkServer(smtp, 'SMTP', '465 (TLS) or 587 (STARTTLS)');
}

/** What the inbox stores: the allowance only while some server of it really is plaintext elsewhere. */
function storedAllowance(allow: boolean | undefined, servers: (Pick<ImapSettings, 'host' | 'tls'> | undefined)[]): boolean {
  return allow === true && servers.some((server) => server !== undefined && isRemotePlaintext(server));
}

async function verify(input: { imap: ImapSettings; smtp?: SmtpSettings | undefined; username: string; password: string; address: string }, deps: MailDeps) {
  checkImapSettings(input.imap, input.smtp);
  return verifyImapLogin(
    input.imap,
    { kind: 'password', username: input.username, password: input.password },
    { address: input.address, ...(deps.tlsCa ? { ca: deps.tlsCa } : {}) },
  );
}

export async function connectInbox(s: Scoped, input: ConnectInboxInput, deps: MailDeps): Promise<ConnectedInbox> {
  if (Boolean(input.userEmail) === Boolean(input.team)) {
    throw new OperationError('owner_required', 'Say whose inbox this is: --user EMAIL for a personal inbox, or --team for a team inbox (not both).');
  }
  const smtp = input.smtp ? { ...input.smtp, allowPlaintext: input.imap.allowPlaintext === true } : undefined;
  checkImapSettings(input.imap, smtp);
  const user = input.userEmail ? await requireUser(s, input.userEmail) : null;
  // One login attempt; MailConnectError carries the reason and sentence, and nothing is saved.
  const login = await verify({ ...input, smtp }, deps);
  const inbox = await s.inboxes.create(
    {
      userId: user?.id ?? null,
      kind: user ? 'personal' : 'team',
      provider: 'imap',
      address: input.address,
      aliases: input.aliases ?? [],
      imapHost: input.imap.host,
      imapPort: input.imap.port,
      imapTls: input.imap.tls,
      smtpHost: input.smtp?.host ?? null,
      smtpPort: input.smtp?.port ?? null,
      smtpTls: input.smtp?.tls ?? null,
      allowPlaintext: storedAllowance(input.imap.allowPlaintext, [input.imap, input.smtp]),
      username: input.username,
      authKind: 'password',
      // The shape the sync worker reads (StoredCredentials in apps/sync-worker).
      credentials: { password: input.password },
      sentMailbox: login.sentMailbox,
      trustedAuthservIds: input.trustedAuthservIds ?? null,
    },
    deps.keys,
  );
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}

export interface ReconnectInboxInput {
  inboxId: string;
  password: string;
  /** New server settings; the stored ones are kept for whatever is not given (allowPlaintext included). */
  imap?: Partial<ImapSettings> | undefined;
  username?: string | undefined;
}

/** Logs in with the new password (and settings), then stores them and clears the disconnect state. */
export async function reconnectInbox(s: Scoped, input: ReconnectInboxInput, deps: MailDeps): Promise<ConnectedInbox> {
  const current = await requireInbox(s, input.inboxId);
  if (current.status === 'removed') {
    throw new OperationError('inbox_removed', `Inbox ${current.address} was removed.`, undefined, { step: 'connect_inbox' });
  }
  if (current.authKind !== 'password') {
    throw new OperationError('not_a_password_inbox', `Inbox ${current.address} signs in with OAuth, not a password; reconnect it through its provider's sign-in.`);
  }
  const allowPlaintext = input.imap?.allowPlaintext ?? current.allowPlaintext;
  const imap: ImapSettings = {
    host: input.imap?.host ?? current.imapHost,
    port: input.imap?.port ?? current.imapPort,
    tls: input.imap?.tls ?? current.imapTls,
    allowPlaintext,
  };
  const smtp = current.smtpHost && current.smtpPort && current.smtpTls ? { host: current.smtpHost, port: current.smtpPort, tls: current.smtpTls, allowPlaintext } : undefined;
  const username = input.username ?? current.username;
  const login = await verify({ imap, smtp, username, password: input.password, address: current.address }, deps);
  await s.inboxes.reconnect(input.inboxId, { password: input.password }, deps.keys, {
    imapHost: imap.host,
    imapPort: imap.port,
    imapTls: imap.tls,
    allowPlaintext: storedAllowance(allowPlaintext, [imap, smtp]),
    username,
  });
  if (login.sentMailbox !== current.sentMailbox) await s.inboxes.setSentMailbox(input.inboxId, login.sentMailbox);
  const inbox = (await s.inboxes.get(input.inboxId))!;
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}

export async function removeInbox(s: Scoped, inboxId: string): Promise<Inbox> {
  await requireInbox(s, inboxId);
  await s.inboxes.remove(inboxId);
  return (await s.inboxes.get(inboxId))!;
}
