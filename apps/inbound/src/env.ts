// apps/inbound's configuration: read from process.env once, validated with zod, passed down typed.
import { readFileSync } from 'node:fs';
import { serverUrlProblems } from '@reply-sync/queue';
import { INBOUND_DOMAIN_PATTERN, NOT_A_DOMAIN_NAME } from '@reply-sync/db/inbound-domain';
import { z } from 'zod';

/** Larger than the 50 MB attachment limit, so a message just over it is logged without its attachments. */
export const DEFAULT_INBOUND_MAX_MESSAGE_BYTES = 75 * 1024 * 1024;

const STACK_HINT = '(for the local stack, `reply-sync --stack inbound` fills it, or `eval "$(npm run -s stack -- env)"` exports it)';
const requiredUrl = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: (issue) => (issue.input === undefined ? `not set; set it to ${what} ${STACK_HINT}` : undefined) }).url(),
  );
const optional = (v: unknown) => (v === '' ? undefined : v);

const EnvSchema = z.object({
  DATABASE_URL: requiredUrl('the PostgreSQL URL, e.g. postgres://user@host:5432/reply_sync'),
  REDIS_URL: requiredUrl('the Redis URL, e.g. redis://host:6379'),
  INBOUND_DOMAIN: z.preprocess(
    optional,
    z
      .string({ error: (issue) => (issue.input === undefined ? 'not set; set it to the domain the logging addresses are at, e.g. log.example.com (its MX points at this server)' : undefined) })
      .regex(INBOUND_DOMAIN_PATTERN, NOT_A_DOMAIN_NAME),
  ),
  INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(52525),
  /** The largest message accepted, in bytes: refused with 552 while it streams past this. */
  INBOUND_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(DEFAULT_INBOUND_MAX_MESSAGE_BYTES),
  /** PEM files for STARTTLS; without them the server offers no TLS. */
  INBOUND_TLS_CERT_FILE: z.preprocess(optional, z.string().optional()),
  INBOUND_TLS_KEY_FILE: z.preprocess(optional, z.string().optional()),
  /** DNS servers for SPF/DKIM/DMARC look-ups (`ip[:port]`, comma-separated); default the system's. */
  INBOUND_DNS_SERVERS: z.preprocess(optional, z.string().optional()),
  /**
   * The SMTP relay for the notification a sender gets when a BCC'd email is logged without its attachments
   * (over 50 MB), as a URL: smtp://[user:pass@]host:port (STARTTLS when offered) or smtps://…; unset: no notification.
   */
  INBOUND_NOTIFY_SMTP_URL: z.preprocess(optional, z.string().regex(/^smtps?:\/\/[^/\s]+\/?(\?\S*)?$/, 'is not an SMTP URL such as smtp://user:password@smtp.example.com:587').optional()),
  /** An extra trusted CA (PEM) for that relay's certificate (a private one, as the local stack's). */
  REPLY_SYNC_TLS_CA_FILE: z.preprocess(optional, z.string().optional()),
  /** The From of those notifications; default postmaster@INBOUND_DOMAIN. */
  INBOUND_NOTIFY_FROM: z.preprocess(optional, z.string().email('is not an email address').optional()),
  /** Jobs held at once, decided in batches; 0 runs the SMTP receiver only (another process processes). */
  INBOUND_CONCURRENCY: z.coerce.number().int().min(0).max(1000).default(64),
  /** The most messages decided in one transaction. */
  INBOUND_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(32),
  /** How often spooled messages whose job was lost are re-queued (those spooled longer than this); 0: at start only. */
  INBOUND_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  REPLY_SYNC_INBOUND_QUEUE: z.string().min(1).default('reply-sync-inbound'),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type RawEnv = z.infer<typeof EnvSchema>;

export interface InboundEnv extends Omit<RawEnv, 'INBOUND_TLS_CERT_FILE' | 'INBOUND_TLS_KEY_FILE' | 'INBOUND_DNS_SERVERS' | 'INBOUND_DOMAIN' | 'INBOUND_NOTIFY_SMTP_URL' | 'INBOUND_NOTIFY_FROM' | 'REPLY_SYNC_TLS_CA_FILE'> {
  INBOUND_DOMAIN: string;
  /** Where the attachments-left-out notifications go out, or null (none sent). */
  notify: { smtpUrl: string; from: string; ca: Buffer | null } | null;
  tls: { cert: Buffer; key: Buffer } | null;
  dnsServers: string[] | null;
}

export class InboundEnvError extends Error {
  readonly code = 'inbound_env_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'InboundEnvError';
  }
}

export function parseInboundEnv(source: Record<string, string | undefined> = process.env): InboundEnv {
  const invalid = (problems: string) => new InboundEnvError(`The inbound server's environment is invalid: ${problems}`);
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) throw invalid(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const serverProblems = serverUrlProblems(source);
  if (serverProblems.length > 0) throw invalid(serverProblems.join(' '));
  const { INBOUND_TLS_CERT_FILE, INBOUND_TLS_KEY_FILE, INBOUND_DNS_SERVERS, INBOUND_DOMAIN, INBOUND_NOTIFY_SMTP_URL, INBOUND_NOTIFY_FROM, REPLY_SYNC_TLS_CA_FILE, ...rest } = parsed.data;
  if (Boolean(INBOUND_TLS_CERT_FILE) !== Boolean(INBOUND_TLS_KEY_FILE)) {
    throw invalid('set both INBOUND_TLS_CERT_FILE and INBOUND_TLS_KEY_FILE (PEM files) to offer STARTTLS, or neither.');
  }
  let tls: InboundEnv['tls'] = null;
  if (INBOUND_TLS_CERT_FILE && INBOUND_TLS_KEY_FILE) {
    try {
      tls = { cert: readFileSync(INBOUND_TLS_CERT_FILE), key: readFileSync(INBOUND_TLS_KEY_FILE) };
    } catch (error) {
      throw invalid(`INBOUND_TLS_CERT_FILE / INBOUND_TLS_KEY_FILE cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
  const dnsServers = INBOUND_DNS_SERVERS ? INBOUND_DNS_SERVERS.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const domain = INBOUND_DOMAIN!.toLowerCase();
  let ca: Buffer | null = null;
  if (INBOUND_NOTIFY_SMTP_URL && REPLY_SYNC_TLS_CA_FILE) {
    try {
      ca = readFileSync(REPLY_SYNC_TLS_CA_FILE);
    } catch (error) {
      throw invalid(`REPLY_SYNC_TLS_CA_FILE cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
  const notify = INBOUND_NOTIFY_SMTP_URL ? { smtpUrl: INBOUND_NOTIFY_SMTP_URL, from: INBOUND_NOTIFY_FROM ?? `postmaster@${domain}`, ca } : null;
  return { ...rest, INBOUND_DOMAIN: domain, tls, dnsServers, notify };
}
