// A tiny TCP proxy on loopback that counts the bytes each side sends: "bytes read from the server"
// measured on the wire, the same way for the worker and for a bare imapflow client.
import { createServer, connect, type AddressInfo, type Server } from 'node:net';

export interface ConnectionBytes {
  /** Server → client (what the client read). */
  fromServer: number;
  /** Client → server. */
  toServer: number;
  openedAt: number;
  closedAt: number | null;
}

export interface CountingProxy {
  port: number;
  /** Every connection so far, in the order accepted. */
  connections: ConnectionBytes[];
  totalFromServer(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  const connections: ConnectionBytes[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const entry: ConnectionBytes = { fromServer: 0, toServer: 0, openedAt: Date.now(), closedAt: null };
    connections.push(entry);
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => (entry.toServer += chunk.length));
    upstream.on('data', (chunk: Buffer) => (entry.fromServer += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
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
    server.listen(0, '127.0.0.1', () => resolve());
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
