// The one place nodemailer SMTP transports are built from our settings and credentials.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { trustedTlsOptions } from './create-imap-client';
import { assertPlaintextAllowed } from './plaintext-policy';
import { safeLogger } from './safe-logger';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS, type ConnectOptions, type MailCredentials, type SmtpSettings } from './settings';

/**
 * nodemailer options: 'tls' → implicit TLS (465); 'starttls' → requireTLS (587: refuse to send
 * credentials if the upgrade is not offered); 'none' → ignoreTLS (plaintext: loopback only unless the
 * inbox allows plaintext, else MailSettingsError `plaintext_not_allowed`).
 * No pooling (the send job opens one per send) and no nodemailer logger unless one is given, then
 * only info and above with credentials masked (its debug logs the SMTP dialogue, bodies included).
 */
export function smtpTransportOptions(settings: SmtpSettings, credentials: MailCredentials, options: ConnectOptions = {}): SMTPTransport.Options {
  assertPlaintextAllowed(settings, 'SMTP');
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const logger = safeLogger(options.logger, credentials, { component: 'nodemailer', host: settings.host });
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    auth:
      credentials.kind === 'password'
        ? { user: credentials.username, pass: credentials.password }
        : { type: 'OAuth2', user: credentials.username, accessToken: credentials.accessToken },
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(options.ca !== undefined ? trustedTlsOptions(options.ca) : {}),
    },
    connectionTimeout: connectTimeout,
    greetingTimeout: options.greetingTimeoutMs ?? connectTimeout,
    socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    logger: logger === false ? false : (logger as unknown as SMTPTransport.Options['logger']),
    debug: false,
  };
}

export function createSmtpTransport(settings: SmtpSettings, credentials: MailCredentials, options: ConnectOptions = {}) {
  return nodemailer.createTransport(smtpTransportOptions(settings, credentials, options));
}
