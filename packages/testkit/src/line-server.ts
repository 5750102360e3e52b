// A loopback TCP server that talks in CRLF lines: the base of the scripted IMAP and SMTP servers tests
// use to get real client errors for provider answers that cannot be reached from here.
import net from 'node:net';

export interface LineServer {
  port: number;
  close(): Promise<void>;
}

/** Per connection: `connected` writes the greeting and returns the handler of each line the client sends. */
export async function startLineServer(connected: (socket: net.Socket) => (line: string) => void): Promise<LineServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const onLine = connected(socket);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
