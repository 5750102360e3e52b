// Plain input types for connecting to a mailbox: what the CLI collects and the worker decrypts.
// Deliberately free of @reply-sync/db types: the apps map their rows onto these.

/** How the connection is secured: implicit TLS (993/465), a required STARTTLS upgrade, or none. */
export type TlsMode = 'tls' | 'starttls' | 'none';

export interface ImapSettings {
  host: string;
  port: number;
  tls: TlsMode;
  /** The inbox allows `tls: 'none'` to a host that is not loopback (plaintext-policy.ts); default false. */
  allowPlaintext?: boolean;
}

/** The same fields as IMAP's, for the server that sends. */
export type SmtpSettings = ImapSettings;

export type MailCredentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'oauth2'; username: string; accessToken: string };

export type CredentialKind = MailCredentials['kind'];

/** The subset of a pino logger imapflow and nodemailer call. `pino()` satisfies it. */
export interface MailLogger {
  trace?(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  fatal?(obj: unknown, msg?: string): void;
}

export interface ConnectOptions {
  /** Extra trusted CA certificate(s), PEM. For self-signed test servers; the system CAs stay trusted. */
  ca?: string | Buffer;
  /**
   * Where the library's own info/warn/error events go. Off (false) by default. Its debug and trace
   * output (protocol lines, which carry message headers and bodies) is never forwarded, and any
   * credential value is masked in what is.
   */
  logger?: MailLogger | false;
  /** DNS + TCP + TLS handshake budget. Default 15 s. */
  connectTimeoutMs?: number;
  /** How long to wait for the server's greeting once connected. Default: connectTimeoutMs. */
  greetingTimeoutMs?: number;
  /** Socket inactivity before imapflow probes with NOOP / gives up. Default 5 min. */
  socketTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_SOCKET_TIMEOUT_MS = 5 * 60_000;
