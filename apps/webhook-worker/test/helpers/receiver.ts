// A real webhook receiver on loopback for the tests: it records every request (headers and raw body)
// and answers by its current mode: 2xx, 500, or never (a hang, for timeouts). `listen()` may come
// after the test has used its port, so "connection refused" is a receiver not started yet.
import http from 'node:http';
import { closedPort } from '@reply-sync/testkit';
import { Webhook } from 'standardwebhooks';

export type ReceiverMode = 'ok' | 'error' | 'hang';

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  /** What it was answered (null: not answered, a hang). */
  answered: number | null;
  at: number;
}

export interface Receiver {
  port: number;
  url: string;
  mode: ReceiverMode;
  requests: ReceivedRequest[];
  listen(): Promise<void>;
  close(): Promise<void>;
  /** The distinct webhook-ids answered 2xx. */
  deliveredIds(): Set<string>;
}

export async function createReceiver(mode: ReceiverMode = 'ok'): Promise<Receiver> {
  const port = await closedPort();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: ReceivedRequest = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        answered: null,
        at: Date.now(),
      };
      receiver.requests.push(entry);
      if (receiver.mode === 'hang') {
        hanging.add(res);
        return;
      }
      entry.answered = receiver.mode === 'ok' ? 204 : 500;
      res.writeHead(entry.answered).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  const receiver: Receiver = {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    mode,
    requests: [],
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    deliveredIds() {
      return new Set(receiver.requests.filter((r) => r.answered !== null && r.answered < 300).map((r) => r.headers['webhook-id']!));
    },
  };
  return receiver;
}

/** Standard Webhooks' own verification: throws unless signed with `secret` (and recent). */
export function verify(secret: string, request: ReceivedRequest): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}
