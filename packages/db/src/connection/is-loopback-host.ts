// Whether a host name or address stays on this machine: what "loopback" means for every policy that
// lets a local server go without TLS or authentication.
import { isIP } from 'node:net';

/** `localhost` (and `*.localhost`, RFC 6761), 127.0.0.0/8, ::1 and ::ffff:127.x; brackets allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const kind = isIP(h);
  if (kind === 4) return h.startsWith('127.');
  if (kind === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}
