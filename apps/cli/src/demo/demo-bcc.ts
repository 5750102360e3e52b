// The demo's BCC step: apps/inbound listens on the port the stack's Postfix relays the logging domain to
// (scripts/stack.sh: transport `inbound.test smtp:[127.0.0.1]:51525`), and the demo user sends an email
// through Postfix submission with the account's BCC address in Bcc, as a salesperson does from her own
// mail client. Postfix delivers the To copy to the contact's mailbox and relays the Bcc copy to
// apps/inbound, which verifies the sender and logs it on the contact's timeline.
import type { Writable } from 'node:stream';
import { inboundAddressOf, type Scoped } from '@reply-sync/db';
import { createLogger, parseInboundEnv, startInbound, type DnsResolver, type RunningInbound } from '@reply-sync/inbound';
import nodemailer from 'nodemailer';

export interface DemoInbound {
  running: RunningInbound;
  /** The account's BCC logging address. */
  bccAddress: string;
}

/**
 * The stack's mail domains have no DNS of their own, so sender verification gets a resolver answering
 * what a real domain of the user's would publish: SPF allowing the loopback relay (Postfix) and a
 * DMARC record. Any other name has no records.
 */
function stackResolver(mailDomain: string): DnsResolver {
  const records = new Map<string, string>([
    [`${mailDomain} TXT`, 'v=spf1 ip4:127.0.0.1 -all'],
    [`_dmarc.${mailDomain} TXT`, 'v=DMARC1; p=none'],
  ]);
  return async (name, rrtype) => {
    const txt = records.get(`${name.toLowerCase().replace(/\.$/, '')} ${rrtype.toUpperCase()}`);
    if (!txt || rrtype.toUpperCase() !== 'TXT') throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [[txt]];
  };
}

/** Starts apps/inbound on the stack's inbound port; null when that port is taken (another demo is running). */
export async function startDemoInbound(
  s: Scoped,
  appEnv: Record<string, string>,
  stack: { inbound: { domain: string; smtpPort: number }; profiles: { standard: { domain: string } } },
  queueName: string,
  logFile: Writable,
  logLevel: string,
): Promise<DemoInbound | null> {
  const env = parseInboundEnv({
    ...appEnv,
    INBOUND_DOMAIN: stack.inbound.domain,
    INBOUND_SMTP_PORT: String(stack.inbound.smtpPort),
    REPLY_SYNC_INBOUND_QUEUE: queueName,
    DB_POOL_MAX: '4',
  });
  try {
    const running = await startInbound({ env, logger: createLogger({ level: logLevel, destination: logFile }), resolver: stackResolver(stack.profiles.standard.domain) });
    const bccAddress = inboundAddressOf('bcc', (await s.inbound.address('bcc')).token, stack.inbound.domain);
    return { running, bccAddress };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return null;
    throw error;
  }
}

/** Sends as the mailbox user through Postfix submission (STARTTLS, AUTH), with `bcc` in the envelope only. */
export async function sendWithBcc(
  submission: { host: string; port: number; ca: string },
  login: { user: string; password: string },
  mail: { from: string; to: string; bcc: string; subject: string; text: string; messageId: string },
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: submission.host,
    port: submission.port,
    secure: false,
    requireTLS: true,
    tls: { ca: [submission.ca] },
    auth: { user: login.user, pass: login.password },
  });
  try {
    await transport.sendMail({ from: mail.from, to: mail.to, bcc: mail.bcc, subject: mail.subject, text: mail.text, messageId: mail.messageId });
  } finally {
    transport.close();
  }
}
