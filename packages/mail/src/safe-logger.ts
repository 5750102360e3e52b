// Wraps a caller's pino-style logger for imapflow/nodemailer: only info and above, credentials masked.
// Their debug/trace output is the protocol itself (headers, bodies, SASL exchanges) and never passes.
import { maskSecrets } from './mask-secrets';
import type { MailCredentials, MailLogger } from './settings';

function scrub(value: unknown, credentials: MailCredentials, depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value, credentials);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) {
    const f = value as Error & { code?: unknown };
    return { type: f.name, message: maskSecrets(f.message, credentials), ...(f.code !== undefined ? { code: f.code } : {}) };
  }
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  if (Array.isArray(value)) return value.map((v) => scrub(v, credentials, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // imapflow's auth options and nodemailer's auth object, should they ever be logged
    if (/^(pass|password|accessToken|auth|token)$/i.test(key)) continue;
    out[key] = scrub(v, credentials, depth + 1);
  }
  return out;
}

const NOOP = () => {};

export function safeLogger(logger: MailLogger | false | undefined, credentials: MailCredentials, bindings: Record<string, unknown>): MailLogger | false {
  if (!logger) return false;
  const forward =
    (level: 'info' | 'warn' | 'error') =>
    (obj: unknown, msg?: string): void => {
      const scrubbed = scrub(typeof obj === 'object' && obj !== null ? obj : { msg: obj }, credentials) as Record<string, unknown>;
      const line = { ...bindings, ...scrubbed };
      if (msg === undefined) logger[level](line);
      else logger[level](line, maskSecrets(msg, credentials));
    };
  const error = forward('error');
  return { trace: NOOP, debug: NOOP, info: forward('info'), warn: forward('warn'), error, fatal: error };
}
