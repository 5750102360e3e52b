// A plaintext TCP proxy in front of the real Dovecot that makes it misbehave the way a broken or
// hostile IMAP server can: it reports every message's RFC822.SIZE as `reportedSize`, and (with
// `ignorePartial`) it drops the <offset.length> of partial FETCHes, so the server answers every chunk
// request with the whole message. Everything else passes through untouched (literals byte for byte).
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface MisbehavingProxy {
  port: number;
  close(): Promise<void>;
}

export interface Misbehaviour {
  reportedSize: number;
  ignorePartial: boolean;
}

export async function startMisbehavingImapProxy(target: { host: string; port: number }, how: Misbehaviour): Promise<MisbehavingProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    rewriteLines(client, upstream, (line) => (how.ignorePartial ? line.replace(/(BODY\.PEEK\[[^\]]*\])<\d+\.\d+>/gi, '$1') : line));
    rewriteLines(upstream, client, (line) => line.replace(/RFC822\.SIZE \d+/g, `RFC822.SIZE ${how.reportedSize}`));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) socket.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards `from` to `to`, passing each protocol line (not literal data) through `rewrite`. */
function rewriteLines(from: Socket, to: Socket, rewrite: (line: string) => string): void {
  let literalLeft = 0;
  let partial: Buffer[] = [];
  from.on('data', (chunk: Buffer) => {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (literalLeft > 0) {
        const n = Math.min(literalLeft, chunk.length - pos);
        out.push(chunk.subarray(pos, pos + n));
        literalLeft -= n;
        pos += n;
        continue;
      }
      const lf = chunk.indexOf(0x0a, pos);
      if (lf < 0) {
        partial.push(chunk.subarray(pos));
        break;
      }
      const line = rewrite(Buffer.concat([...partial, chunk.subarray(pos, lf + 1)]).toString('latin1'));
      partial = [];
      pos = lf + 1;
      out.push(Buffer.from(line, 'latin1'));
      const literal = /\{(\d+)\+?\}\r?\n$/.exec(line);
      if (literal) literalLeft = Number(literal[1]);
    }
    if (!to.write(Buffer.concat(out))) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}
