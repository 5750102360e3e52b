// A PostgreSQL server of one run's own (initdb into a temp folder, a loopback port, durability off,
// trust on 127.0.0.1 only), for suites that really restart PostgreSQL without touching the stack's
// shared one. Needs root (it runs the server as the `postgres` user, which refuses to run as root)
// and the Debian packages scripts/stack.sh installs.
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closedPort } from './closed-port';

const run = promisify(execFile);
const PG_BIN = process.env.STACK_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** Superuser URL of its `postgres` database (no password: trust on loopback). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (`pg_ctl stop -m fast`: sessions are ended with an administrator-command error). */
  stop(): Promise<void>;
  /** Starts it again on the same port; the data is kept, as over a real restart. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

async function asPostgres(args: string[]): Promise<void> {
  // cwd /: the postgres user must be able to enter the working directory.
  await run('runuser', ['-u', 'postgres', '--', ...args], { cwd: '/' });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await closedPort();
  const dir = await mkdtemp(join(tmpdir(), 'reply-sync-postgres-'));
  const data = join(dir, 'data');
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  await chown(dir, uid, uid);
  await asPostgres([join(PG_BIN, 'initdb'), '-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--auth-local=trust', '--auth-host=trust', '--no-sync']);
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    '-c max_connections=200',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () => asPostgres([join(PG_BIN, 'pg_ctl'), '-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  const stop = () => asPostgres([join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async close() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
