// Parent side of bare-idle-child.ts: start it, read its RSS, connect N sessions, collect EXISTS events.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stack, type MailUser } from '@reply-sync/testkit';
import { spawnTs } from './processes';

const CHILD = fileURLToPath(new URL('./bare-idle-child.ts', import.meta.url));

export interface ExistsEvent {
  user: string;
  count: number;
  prevCount: number;
  t: number;
}

export interface BareIdleProcess {
  pid: number;
  connect(users: readonly MailUser[], secure: boolean): Promise<{ count: number; failed: number; lastError: string }>;
  onExists(listener: (event: ExistsEvent) => void): void;
  close(): Promise<void>;
}

export async function startBareIdle(logDir: string, name: string): Promise<BareIdleProcess> {
  const child = spawnTs(CHILD, {}, join(logDir, `${name}.log`), true);
  const listeners: ((event: ExistsEvent) => void)[] = [];
  let onConnected: ((r: { count: number; failed: number; lastError: string }) => void) | undefined;
  const booted = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare client exited with ${code}`)));
    child.on('message', (m: { type: string } & Record<string, unknown>) => {
      if (m.type === 'booted') resolve();
      else if (m.type === 'exists') for (const l of listeners) l(m as unknown as ExistsEvent);
      else if (m.type === 'connected') onConnected?.(m as unknown as { count: number; failed: number; lastError: string });
    });
  });
  await booted;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    connect(users, secure) {
      const profile = stack.profiles.standard;
      return new Promise((resolve) => {
        onConnected = resolve;
        child.send({
          type: 'connect',
          host: profile.host,
          port: secure ? profile.imapsPort : profile.imapPort,
          secure,
          ca: stack.caCert,
          users: users.map((u) => ({ user: u.user, pass: u.password })),
        });
      });
    },
    onExists: (listener) => listeners.push(listener),
    async close() {
      if (child.exitCode !== null) return;
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
