// The SMTP server of the logging addresses (smtp-server): refuses unknown recipients at RCPT, stops a
// message at the size limit while it streams (552), and answers "250" only once the message is
// committed to the spool (inbound_messages; spool-writer.ts, several sessions' messages to a statement,
// their jobs queued right after): a crash after the 250 loses nothing.
import type { AddressInfo } from 'node:net';
import { parseInboundLocalPart, resolveInboundAddress, type Db, type InboundAddressKind } from '@reply-sync/db';
import type { InboundQueue } from '@reply-sync/queue';
import { decodeHeaderValue, firstHeader, normalizeMessageId, parseAddressList, parseHeaderBlock } from '@reply-sync/threading';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from './logger';
import type { SpoolHandoff } from './spool-handoff';
import { createSpoolWriter } from './spool-writer';

export interface SmtpReceiverOptions {
  db: Db;
  queue: InboundQueue;
  logger: Logger;
  domain: string;
  host: string;
  port: number;
  maxMessageBytes: number;
  tls: { cert: Buffer; key: Buffer } | null;
  /** Where this process's processor picks up what was just spooled (none when it does not process). */
  handoff?: SpoolHandoff | null;
}

export interface SmtpReceiver {
  /** The port it listens on (the one given, or the one chosen for port 0). */
  port: number;
  close(): Promise<void>;
}

interface Accepted {
  accountId: string;
  kind: InboundAddressKind;
  address: string;
}

/** An SMTP reply with its code: smtp-server answers `<code> <message>`. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export const UNKNOWN_RECIPIENT_TEXT =
  '5.1.1 There is no logging address like this here. Copy the BCC or forwarding address again from `reply-sync inbound-address show` (it changes when rotated).';
export const TOO_LARGE_TEXT = (max: number) => `5.3.4 The message is larger than this server accepts (${Math.floor(max / (1024 * 1024))} MB); nothing was logged.`;

export async function startSmtpReceiver(options: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const { db, queue, logger, domain, maxMessageBytes } = options;
  const accepted = new WeakMap<SMTPServerAddress, Accepted>();
  const writer = createSpoolWriter(db, queue, logger, options.handoff ?? null);

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const raw = address.address.trim().toLowerCase();
    const at = raw.lastIndexOf('@');
    const parsed = at > 0 && raw.slice(at + 1) === domain ? parseInboundLocalPart(raw.slice(0, at)) : null;
    const accountId = parsed ? await resolveInboundAddress(db, parsed.kind, parsed.token) : null;
    if (!parsed || !accountId) {
      logger.info({ session: session.id, reason: 'unknown_recipient' }, 'recipient refused');
      throw smtpError(550, UNKNOWN_RECIPIENT_TEXT);
    }
    accepted.set(address, { accountId, kind: parsed.kind, address: raw });
  }

  /** Reads the stream to its end, keeping at most maxMessageBytes (the rest is drained, not held). */
  function collect(stream: SMTPServerDataStream): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      stream.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > maxMessageBytes) {
          over = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(over || stream.sizeExceeded ? null : Buffer.concat(chunks, size)));
    });
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await collect(stream);
    if (!raw) {
      logger.info({ session: session.id, reason: 'too_large', max: maxMessageBytes }, 'message refused');
      throw smtpError(552, TOO_LARGE_TEXT(maxMessageBytes));
    }
    // One spooled message per account among the recipients (normally one: the account's BCC address).
    const byAccount = new Map<string, Accepted[]>();
    for (const r of session.envelope.rcptTo) {
      const a = accepted.get(r);
      if (a) byAccount.set(a.accountId, [...(byAccount.get(a.accountId) ?? []), a]);
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
    const headers = parseHeaderBlock(raw);
    const messageId = firstHeader(headers, 'message-id')?.trim() || null;
    const from = parseAddressList(firstHeader(headers, 'from'))[0]?.address.toLowerCase() ?? null;
    const subject = decodeHeaderValue(firstHeader(headers, 'subject')).replace(/\s+/g, ' ').trim();
    const receivedAt = new Date();
    const ids = await writer.spool(
      [...byAccount].map(([accountId, list]) => ({
        accountId,
        receivedAt,
        input: {
          addressKind: list[0]!.kind,
          envelopeFrom: mailFrom || null,
          envelopeTo: list.map((a) => a.address),
          clientIp: session.remoteAddress ?? null,
          helo: session.hostNameAppearsAs || null,
          raw,
          messageId: messageId && normalizeMessageId(messageId) ? messageId : null,
          fromAddress: from,
          subject,
        },
      })),
    );
    logger.info({ session: session.id, messages: ids, size: raw.length }, 'message spooled');
    return `2.0.0 Queued for logging as ${ids.join(', ')}`;
  }

  const server = new SMTPServer({
    name: domain,
    banner: 'reply-sync logging addresses',
    size: maxMessageBytes,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    logger: false,
    maxClients: 200,
    socketTimeout: 120_000,
    closeTimeout: 10_000,
    onRcptTo(address, session, callback) {
      onRcptTo(address, session).then(
        () => callback(),
        (error: unknown) => callback(failure(error, session, 'rcpt')),
      );
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        (message) => callback(null, message),
        (error: unknown) => {
          stream.resume(); // drain what is left so the client reads our answer
          callback(failure(error, session, 'data'));
        },
      );
    },
  });

  /** Our refusals pass through; anything else (the database away) is a 451: try again later. */
  function failure(error: unknown, session: SMTPServerSession, step: string): Error {
    if (error instanceof Error && 'responseCode' in error) return error;
    logger.error({ session: session.id, step, err: error instanceof Error ? error.message : String(error) }, 'inbound step failed');
    return smtpError(451, '4.3.0 The message could not be stored just now; nothing was kept. Try again later.');
  }

  server.on('error', (error) => logger.error({ err: error.message }, 'smtp server error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: options.host, port, domain, maxMessageBytes, tls: Boolean(options.tls) }, 'inbound SMTP listening');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.idle();
    },
  };
}
