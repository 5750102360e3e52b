// A TCP proxy on loopback in front of a server (PostgreSQL, Dovecot) that can play a server restart:
// cut() resets every connection and drops new ones, or with `refuse` stops listening so connects get
// ECONNREFUSED (as while a restarted server is not up yet); restore() lets them through again. It can
// also play a silently dead link: freeze() stops forwarding on every open connection without closing it.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface OutageProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  cut(options?: { refuse?: boolean }): void;
  restore(): Promise<void>;
  /**
   * Every connection open now stops forwarding both ways, for good, and nobody is told (a NAT that lost
   * its state, a cable pulled upstream); connections made afterwards are forwarded as usual. A side that
   * closes a frozen connection still closes the other, so the server keeps no session the client dropped.
   * Returns how many connections it froze.
   */
  freeze(): number;
  /** Freezes, once, the first connection whose client sends data matching `pattern`, before that data goes through. */
  freezeWhenClientSends(pattern: RegExp): void;
  /** Frozen connections that neither side has closed yet. */
  frozenConnections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const pairs = new Set<Pair>();
  const frozen = new Set<Pair>();
  let down = false;
  let trigger: RegExp | null = null;
  const freezePair = (pair: Pair) => {
    frozen.add(pair);
    // Keep reading and drop what arrives: a paused socket would never see the other side's close.
    pair.client.resume();
    pair.upstream.resume();
  };
  const forward = (pair: Pair, from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (from === pair.client && trigger && !frozen.has(pair) && trigger.test(chunk.toString('latin1'))) {
        trigger = null;
        freezePair(pair);
      }
      if (frozen.has(pair)) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
      frozen.delete(pair);
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
  const destroyAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
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
      destroyAll();
    },
    async restore() {
      down = false;
      if (!server.listening) await listen(port);
    },
    freeze() {
      let count = 0;
      for (const pair of pairs) {
        if (frozen.has(pair)) continue;
        freezePair(pair);
        count++;
      }
      return count;
    },
    freezeWhenClientSends(pattern) {
      trigger = pattern;
    },
    frozenConnections: () => frozen.size,
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}
