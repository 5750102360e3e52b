// A loopback IMAP server that answers with scripted lines, to get real imapflow error objects for
// provider responses we cannot reach from here (Gmail's and Microsoft's refusals, POP3 greetings).
import net from 'node:net';

export interface Script {
  /** First line sent; default an IMAP greeting. */
  greeting?: string;
  capabilities?: string;
  /** Tagged answer text per command verb, e.g. { LOGIN: 'NO [ALERT] ...' }; default 'OK done'. */
  answers?: Record<string, string>;
  /** For AUTHENTICATE: the SASL continuation sent before the final answer (base64 error JSON). */
  saslError?: object;
}

export interface ScriptedServer {
  port: number;
  /** Every line the client sent, for asserting nothing secret went out unmasked. */
  received: string[];
  close(): Promise<void>;
}

export async function startScriptedImapServer(script: Script): Promise<ScriptedServer> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(`${script.greeting ?? '* OK IMAP4rev1 scripted server ready'}\r\n`);
    let buffer = '';
    let pendingAuthTag: string | null = null;
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        if (pendingAuthTag !== null) {
          // the client's answer to our SASL error continuation: now the tagged refusal
          socket.write(`${pendingAuthTag} ${script.answers?.AUTHENTICATE ?? 'NO [AUTHENTICATIONFAILED] Authentication failed.'}\r\n`);
          pendingAuthTag = null;
          continue;
        }
        const [tag, rawVerb] = line.split(' ');
        const verb = (rawVerb ?? '').toUpperCase();
        if (!tag) continue;
        if (verb === 'CAPABILITY') {
          socket.write(`* CAPABILITY ${script.capabilities ?? 'IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR IDLE'}\r\n${tag} OK done\r\n`);
        } else if (verb === 'AUTHENTICATE' && script.saslError) {
          pendingAuthTag = tag;
          socket.write(`+ ${Buffer.from(JSON.stringify(script.saslError)).toString('base64')}\r\n`);
        } else if (verb === 'LOGOUT') {
          socket.write(`* BYE bye\r\n${tag} OK done\r\n`);
          socket.end();
        } else {
          socket.write(`${tag} ${script.answers?.[verb] ?? 'OK done'}\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
