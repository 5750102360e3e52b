// The one place imapflow options are built from our settings, credentials and connect options.
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { assertPlaintextAllowed } from './plaintext-policy';
import { safeLogger } from './safe-logger';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SOCKET_TIMEOUT_MS,
  type ConnectOptions,
  type ImapSettings,
  type MailCredentials,
} from './settings';

/**
 * imapflow options for these settings. Choices:
 * - 'tls' → implicit TLS; 'starttls' → `doSTARTTLS: true` (fails if the server does not offer it, so
 *   credentials never cross in cleartext); 'none' → `doSTARTTLS: false` (stays plaintext even when
 *   STARTTLS is offered), and only to a loopback host unless the inbox allows plaintext: otherwise
 *   MailSettingsError `plaintext_not_allowed`, before any connection.
 * - `disableAutoIdle: true`: the worker decides when to IDLE (it calls `client.idle()` after catch-up)
 *   and when to NOOP. imapflow's auto-IDLE would start IDLE by itself 15 s after the last command,
 *   e.g. while the worker is busy with the database, and every next command would first have to
 *   break it. The cost: a caller that neither IDLEs nor issues commands for longer than the server's
 *   autologout (≥ 30 min) is logged out; sessions here are minutes long.
 * - imapflow's own logger is off unless `options.logger` is given, and then only info and above pass,
 *   with credentials masked (its default would be a pino logger on stdout; its debug level logs the
 *   protocol, which includes message headers and bodies).
 * - `emitLogs: false`, so no 'log' events carry protocol lines either.
 */
export function imapFlowOptions(settings: ImapSettings, credentials: MailCredentials, options: ConnectOptions = {}): ImapFlowOptions {
  assertPlaintextAllowed(settings, 'IMAP');
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    doSTARTTLS: settings.tls === 'starttls' ? true : settings.tls === 'none' ? false : undefined,
    auth:
      credentials.kind === 'password'
        ? { user: credentials.username, pass: credentials.password }
        : { user: credentials.username, accessToken: credentials.accessToken },
    tls: {
      // Node's default verification stays on; `ca` adds to the trusted roots, it does not replace them.
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(options.ca !== undefined ? trustedTlsOptions(options.ca) : {}),
    },
    clientInfo: { name: 'reply-sync' },
    logger: safeLogger(options.logger, credentials, { component: 'imapflow', host: settings.host }),
    emitLogs: false,
    logRaw: false,
    disableAutoIdle: true,
    connectionTimeout: connectTimeout,
    greetingTimeout: options.greetingTimeoutMs ?? connectTimeout,
    socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
  };
}

/** Node replaces its default roots with `ca`; keep them, so a real provider still verifies. */
export function trustedCas(ca: string | Buffer): string[] {
  return [...rootCertificates, ca.toString()];
}

const secureContexts = new Map<string, SecureContext>();

/**
 * TLS options that trust `ca` besides Node's roots, as ONE shared secure context per CA. Passing `ca`
 * to every connection makes Node build a context per connection (all ~150 roots parsed again): the
 * benchmark measured ~1 MiB of RSS per TLS inbox that way, against ~0.07 MiB with a shared context.
 */
export function trustedTlsOptions(ca: string | Buffer): { secureContext: SecureContext } {
  const key = ca.toString();
  let secureContext = secureContexts.get(key);
  if (!secureContext) {
    secureContext = createSecureContext({ ca: trustedCas(key), minVersion: 'TLSv1.2' });
    secureContexts.set(key, secureContext);
  }
  return { secureContext };
}

/** A new, unconnected ImapFlow client. Call `connect()`; listen for 'error' and 'close'. */
export function createImapClient(settings: ImapSettings, credentials: MailCredentials, options: ConnectOptions = {}): ImapFlow {
  return new ImapFlow(imapFlowOptions(settings, credentials, options));
}
