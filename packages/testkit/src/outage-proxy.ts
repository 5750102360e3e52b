// A TCP proxy on loopback in front of a server (PostgreSQL, Dovecot) that can play a server restart:
// cut() resets every connection and drops new ones, or with `refuse` stops listening so connects get
// ECONNREFUSED (as while a restarted server is not up yet); restore() lets them through again.
// freeze() plays a link that died silently (a NAT entry dropped, a half-open socket): the connections
// open now stay open but nothing crosses them any more, in either direction; new ones pass.
// (Used by the sync worker's tests and the benchmark's dead-link scenario.)
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface OutageProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  cut(options?: { refuse?: boolean }): void;
  /** Stops forwarding on every connection open now, without closing any; returns how many it froze. */
  freeze(): number;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const sockets = new Set<Socket>();
  const links = new Set<{ client: Socket; upstream: Socket }>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const link = { client, upstream };
    links.add(link);
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut(options) {
      down = true;
      if (options?.refuse) server.close();
      for (const s of sockets) s.destroy();
    },
    freeze() {
      let frozen = 0;
      for (const { client, upstream } of links) {
        // Unpiped and paused: bytes either side sends stay in the kernel's buffers, unread, as on a
        // link that stopped carrying packets; neither side hears a FIN or a reset.
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        frozen++;
      }
      links.clear();
      return frozen;
    },
    async restore() {
      down = false;
      if (!server.listening) await listen(port);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
