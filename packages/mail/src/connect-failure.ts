// Which sentence a failed connect check's one login attempt gets, from the error's class: a disconnect
// reason's, or one of connect-sentences.ts with its values. Pure.
import type { MailErrorClass } from './classify-error';
import { connectSentence, type ConnectSentenceCode } from './connect-sentences';
import { disconnectSentence, type DisconnectReason } from './disconnect-reasons';
import { pop3SentenceValues } from './pop3-settings';
import type { ImapSettings } from './settings';
import { throttleSentence, type ThrottleReason } from './throttle-reasons';

export type ConnectFailureParts =
  | { reason: DisconnectReason }
  | { code: ConnectSentenceCode; values: Record<string, string>; throttle?: ThrottleReason };

/**
 * A disconnect reason (its sentence names the inbox's address), or a connect code with its values.
 * Shared by the English below and packages/i18n's translations.
 */
export function connectFailureParts(
  cls: Pick<MailErrorClass, 'kind' | 'reason' | 'throttle' | 'detail'>,
  settings: Pick<ImapSettings, 'host' | 'port' | 'tls'>,
): ConnectFailureParts {
  const server = `${settings.host}:${settings.port}`;
  if (cls.reason === 'pop3_not_supported') return { code: 'pop3_settings', values: pop3SentenceValues(settings) };
  if (cls.reason) return { reason: cls.reason };
  if (cls.throttle) return { code: 'throttled', values: { server, detail: cls.detail }, throttle: cls.throttle };
  if (cls.kind === 'transient') return { code: 'unreachable', values: { server, detail: cls.detail } };
  if (cls.kind === 'config') return { code: 'tls_mode', values: { server, tls: settings.tls, detail: cls.detail } };
  return { code: 'failed', values: { server, detail: cls.detail } };
}

/** The English sentence of a failed login attempt (what MailConnectError carries). */
export function connectFailureSentence(
  cls: Pick<MailErrorClass, 'kind' | 'reason' | 'throttle' | 'detail'>,
  settings: Pick<ImapSettings, 'host' | 'port' | 'tls'>,
  address: string,
): string {
  const parts = connectFailureParts(cls, settings);
  if ('reason' in parts) return disconnectSentence(parts.reason, { address });
  return connectSentence(parts.code, parts.throttle ? { ...parts.values, throttle: throttleSentence(parts.throttle) } : parts.values);
}
