// A loopback IMAP server that answers with scripted lines, to get real imapflow error objects for
// provider responses we cannot reach from here (Gmail's and Microsoft's refusals, POP3 greetings).
import { startLineServer } from '@reply-sync/testkit';

export interface Script {
  /** First line sent; default an IMAP greeting. */
  greeting?: string;
  capabilities?: string;
  /** Tagged answer text per command verb, e.g. { LOGIN: 'NO [ALERT] ...' }; default 'OK done'. */
  answers?: Record<string, string>;
  /** For AUTHENTICATE: the SASL continuation sent before the final answer (base64 error JSON). */
  saslError?: object;
  /** Answer these verbs with an untagged `* BYE <text>` and hang up (Dovecot's connection limit). */
  byeOn?: { verbs: readonly string[]; text: string };
}

export interface ScriptedServer {
  port: number;
  /** Every line the client sent, for asserting nothing secret went out unmasked. */
  received: string[];
  close(): Promise<void>;
}

export async function startScriptedImapServer(script: Script): Promise<ScriptedServer> {
  const received: string[] = [];
  const server = await startLineServer((socket) => {
    socket.write(`${script.greeting ?? '* OK IMAP4rev1 scripted server ready'}\r\n`);
    let pendingAuthTag: string | null = null;
    return (line) => {
      received.push(line);
      if (pendingAuthTag !== null) {
        // the client's answer to our SASL error continuation: now the tagged refusal
        socket.write(`${pendingAuthTag} ${script.answers?.AUTHENTICATE ?? 'NO [AUTHENTICATIONFAILED] Authentication failed.'}\r\n`);
        pendingAuthTag = null;
        return;
      }
      const [tag, rawVerb] = line.split(' ');
      const verb = (rawVerb ?? '').toUpperCase();
      if (!tag) return;
      if (script.byeOn?.verbs.includes(verb)) {
        socket.end(`* BYE ${script.byeOn.text}\r\n`);
      } else if (verb === 'CAPABILITY') {
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
    };
  });
  return { port: server.port, received, close: server.close };
}
