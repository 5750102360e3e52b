// A tiny TCP proxy on loopback that counts the bytes each side sends: "bytes read from the server"
// measured on the wire, the same way for the worker and for a bare imapflow client. With `commands`,
// it also notes when the client sent a login (LOGIN / AUTHENTICATE) or an IDLE on each connection
// (plaintext IMAP only): the fleet scenarios count logins and IDLE re-issues where the server sees
// them. Only the command name is looked at; no line is kept, so no password is held. With
// `greetingTickMs` it plays a busy server that answers new connections in batches: each connection's
// first bytes from the server (the greeting) are held until the next tick, so connects made over a
// tick all get their greeting at once (what the login budget's tests pace against).
import { createServer, connect, type AddressInfo, type Server } from 'node:net';

export interface ConnectionBytes {
  /** Server → client (what the client read). */
  fromServer: number;
  /** Client → server. */
  toServer: number;
  openedAt: number;
  closedAt: number | null;
  /** With `commands`: when the client sent LOGIN or AUTHENTICATE (ms since epoch). */
  logins: number[];
  /** With `commands`: when the client sent IDLE. */
  idles: number[];
}

export interface CountingProxy {
  port: number;
  /** Every connection so far, in the order accepted. */
  connections: ConnectionBytes[];
  totalFromServer(): number;
  close(): Promise<void>;
}

export interface CountingProxyOptions {
  /** Note logins and IDLEs per connection (see ConnectionBytes). */
  commands?: boolean;
  /**
   * The loopback address to listen on (default 127.0.0.1). Any 127.x.y.z works on Linux: a test that
   * gives its inboxes an address of their own gets an IMAP host, hence a login budget, of its own.
   */
  listenHost?: string;
  /** Hold each connection's greeting until the next multiple of this many ms (a server answering in batches). */
  greetingTickMs?: number;
}

const COMMAND = /^\S+ (LOGIN|AUTHENTICATE|IDLE)\b/i;
/** A client line longer than this is no command we look for (a literal, an APPEND): skipped. */
const MAX_LINE = 1024;

/** Notes on `entry` each client line that starts a command we count. */
function commandWatcher(entry: ConnectionBytes): (chunk: Buffer) => void {
  let tail = '';
  return (chunk) => {
    const text = tail + chunk.toString('latin1');
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    if (tail.length > MAX_LINE) tail = '';
    const now = Date.now();
    for (const line of lines) {
      const m = COMMAND.exec(line);
      if (!m) continue;
      if (m[1]!.toUpperCase() === 'IDLE') entry.idles.push(now);
      else entry.logins.push(now);
    }
  };
}

export async function startCountingProxy(target: { host: string; port: number }, options: CountingProxyOptions = {}): Promise<CountingProxy> {
  const connections: ConnectionBytes[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const entry: ConnectionBytes = { fromServer: 0, toServer: 0, openedAt: Date.now(), closedAt: null, logins: [], idles: [] };
    connections.push(entry);
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const watch = options.commands ? commandWatcher(entry) : null;
    client.on('data', (chunk: Buffer) => {
      entry.toServer += chunk.length;
      watch?.(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (entry.fromServer += chunk.length));
    client.pipe(upstream);
    const tick = options.greetingTickMs;
    if (tick) {
      upstream.pause();
      setTimeout(() => upstream.pipe(client), tick - (Date.now() % tick));
    } else {
      upstream.pipe(client);
    }
    const end = () => {
      entry.closedAt ??= Date.now();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.listenHost ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    totalFromServer: () => connections.reduce((sum, c) => sum + c.fromServer, 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
