// Reads the first line a server sends, to tell a POP3 server (+OK) from a silent or broken IMAP one.
import net from 'node:net';
import tls from 'node:tls';
import { trustedTlsOptions } from './create-imap-client';
import type { ConnectOptions, ImapSettings } from './settings';

/** The server's first line (without CRLF), or null if it sent none within `timeoutMs`. */
export function readGreeting(settings: ImapSettings, options: Pick<ConnectOptions, 'ca'> & { timeoutMs?: number } = {}): Promise<string | null> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    let buffer = '';
    let done = false;
    const socket =
      settings.tls === 'tls'
        ? tls.connect({
            host: settings.host,
            port: settings.port,
            ...(net.isIP(settings.host) ? {} : { servername: settings.host }),
            ...(options.ca !== undefined ? trustedTlsOptions(options.ca) : {}),
          })
        : net.connect({ host: settings.host, port: settings.port });
    const finish = (line: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    };
    const timer = setTimeout(() => finish(buffer.length > 0 ? buffer : null), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) finish(buffer.slice(0, end).replace(/\r$/, ''));
      else if (buffer.length > 1024) finish(buffer.slice(0, 1024));
    });
    socket.on('error', () => finish(buffer.length > 0 ? buffer : null));
    socket.on('close', () => finish(buffer.length > 0 ? buffer : null));
  });
}

export function isPop3Greeting(line: string | null): boolean {
  return line !== null && /^\+OK\b/i.test(line.trim());
}
