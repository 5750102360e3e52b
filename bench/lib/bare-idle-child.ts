// Child process: a bare imapflow client holding many IDLE sessions and nothing else. It is the floor
// of the latency figures (delivery → untagged EXISTS) and of the memory figures (RSS per session).
// Driven over IPC by bare-idle.ts; reports each EXISTS with its own clock reading.
import { ImapFlow } from 'imapflow';

interface ConnectMessage {
  type: 'connect';
  host: string;
  port: number;
  secure: boolean;
  ca: string;
  users: { user: string; pass: string }[];
}

type ParentMessage = ConnectMessage | { type: 'close' };

const clients: ImapFlow[] = [];
const send = (message: unknown) => process.send?.(message);

async function connectOne(m: ConnectMessage, user: { user: string; pass: string }): Promise<void> {
  const client = new ImapFlow({
    host: m.host,
    port: m.port,
    secure: m.secure,
    doSTARTTLS: m.secure ? undefined : false,
    auth: user,
    tls: { ca: [m.ca] },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  client.on('exists', (data: { count: number; prevCount: number }) => {
    send({ type: 'exists', user: user.user, count: data.count, prevCount: data.prevCount, t: Date.now() });
  });
  await client.connect();
  await client.mailboxOpen('INBOX', { readOnly: true });
  clients.push(client);
  // Explicitly: imapflow would otherwise enter IDLE only after autoIdleDelay (15 s).
  void client.idle().catch(() => undefined);
}

async function connectAll(m: ConnectMessage): Promise<void> {
  let next = 0;
  let failed = 0;
  let lastError = '';
  await Promise.all(
    Array.from({ length: Math.min(20, m.users.length) }, async () => {
      for (;;) {
        const i = next;
        next += 1;
        const user = m.users[i];
        if (!user) return;
        try {
          await connectOne(m, user);
        } catch (error) {
          failed += 1;
          lastError = error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  send({ type: 'connected', count: clients.length, failed, lastError });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'connect') {
    void connectAll(message);
  } else if (message.type === 'close') {
    void Promise.allSettled(clients.map((c) => c.logout())).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'booted' });
