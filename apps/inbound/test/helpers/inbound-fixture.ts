// One test's world for apps/inbound: its own account (users, contacts), queue name and sending domain;
// a DNS resolver of its own serving the domain's DKIM key, SPF and DMARC records; the inbound server in
// this process (startInbound, the test's resolver injected) or as a process of its own (src/main.ts);
// and a real SMTP client (nodemailer) that signs with DKIM.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createAccount, createDb, inboundAddressOf, migrate, scoped, type DbHandle, type Scoped } from '@reply-sync/db';
import { createInboundQueue, createRedisConnection } from '@reply-sync/queue';
import { stack, uniqueName, waitFor } from '@reply-sync/testkit';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { parseInboundEnv } from '../../src/env';
import { startInbound, type RunningInbound } from '../../src/inbound-service';
import { createLogger } from '../../src/logger';
import type { DnsResolver } from '../../src/verify-sender';

let migrated: Promise<void> | null = null;

export const INBOUND_DOMAIN = 'log.reply-sync.test';

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
  /** The TXT record published at <selector>._domainkey.<domain>. */
  record: string;
}

export function dkimKey(domainName: string, keySelector = 's1'): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { domainName, keySelector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

/** A resolver answering only what the test published; anything else is ENOTFOUND, as for a real name without records. */
export function testResolver() {
  const records = new Map<string, string[]>();
  const lookups: string[] = [];
  const resolver: DnsResolver = async (name, rrtype) => {
    const key = `${name.toLowerCase().replace(/\.$/, '')} ${rrtype.toUpperCase()}`;
    lookups.push(key);
    const txt = records.get(key);
    if (!txt) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return rrtype.toUpperCase() === 'TXT' ? txt.map((t) => [t]) : txt;
  };
  return {
    resolver,
    lookups,
    txt(name: string, value: string) {
      records.set(`${name.toLowerCase()} TXT`, [value]);
    },
    publishDkim(key: DkimKey) {
      records.set(`${key.keySelector}._domainkey.${key.domainName} TXT`, [key.record]);
    },
  };
}

export interface InboundFixture {
  db: DbHandle;
  s: Scoped;
  queueName: string;
  /** The account's users' domain (its DKIM key published, SPF allowing loopback, DMARC p=reject). */
  domain: string;
  key: DkimKey;
  dns: ReturnType<typeof testResolver>;
  bccAddress(): Promise<string>;
  fwdAddress(): Promise<string>;
  envSource(extra?: Record<string, string>): Record<string, string>;
  start(extra?: Record<string, string>): Promise<RunningInbound>;
  spawn(extra?: Record<string, string>): Promise<ChildProcess & { port: number; exited: Promise<void> }>;
  send(port: number, mail: Mail.Options, options?: { dkim?: DkimKey | null }): Promise<{ accepted: string[]; rejected: string[]; response: string }>;
  /** The inbound_messages rows of the account, oldest first. */
  inboundRows(): Promise<{ id: string; status: string; reason_code: string | null; detail: string | null; email_id: string | null; raw_kept: boolean; message_id: string | null }[]>;
  waitDecided(count: number): Promise<void>;
  cleanup(): Promise<void>;
}

const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function createInboundFixture(name: string): Promise<InboundFixture> {
  migrated ??= migrate(stack.databaseUrl);
  await migrated;
  const db = createDb(stack.databaseUrl, { max: 4 });
  const account = await createAccount(db.db, uniqueName(name));
  const s = scoped(db.db, account.id);
  const queueName = uniqueName(`inbound-${name}`);
  const domain = `${uniqueName('ourco')}.test`;
  const key = dkimKey(domain);
  const dns = testResolver();
  dns.publishDkim(key);
  dns.txt(domain, 'v=spf1 ip4:127.0.0.1 -all');
  dns.txt(`_dmarc.${domain}`, 'v=DMARC1; p=reject');
  const running: RunningInbound[] = [];
  const children: ChildProcess[] = [];
  const envSource = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    INBOUND_DOMAIN,
    INBOUND_SMTP_PORT: '0',
    REPLY_SYNC_INBOUND_QUEUE: queueName,
    DB_POOL_MAX: '4',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...extra,
  });
  return {
    db,
    s,
    queueName,
    domain,
    key,
    dns,
    async bccAddress() {
      return inboundAddressOf('bcc', (await s.inbound.address('bcc')).token, INBOUND_DOMAIN);
    },
    async fwdAddress() {
      return inboundAddressOf('fwd', (await s.inbound.address('fwd')).token, INBOUND_DOMAIN);
    },
    envSource,
    async start(extra = {}) {
      const inbound = await startInbound({ env: parseInboundEnv(envSource(extra)), logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), resolver: dns.resolver });
      running.push(inbound);
      return inbound;
    },
    async spawn(extra = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
        env: { ...process.env, ...envSource({ LOG_LEVEL: 'info', ...extra }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }) as ChildProcess & { port: number; exited: Promise<void> };
      child.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.port = await waitFor(
        () => {
          const line = out.split('\n').find((l) => l.includes('inbound SMTP listening'));
          return line ? (JSON.parse(line) as { port: number }).port : null;
        },
        { what: `the inbound process listening (output: ${out.slice(-500)})`, timeoutMs: 30_000 },
      );
      return child;
    },
    async send(port, mail, options = {}) {
      const dkim = options.dkim === undefined ? key : options.dkim;
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.test', ...(dkim ? { dkim: { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey } } : {}) });
      try {
        const info = await transport.sendMail(mail);
        return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response };
      } finally {
        transport.close();
      }
    },
    async inboundRows() {
      return db.sql`SELECT id, status, reason_code, detail, email_id, raw IS NOT NULL AS raw_kept, message_id FROM inbound_messages WHERE account_id = ${account.id} ORDER BY received_at, id`;
    },
    async waitDecided(count) {
      await waitFor(
        async () => (await db.sql`SELECT 1 FROM inbound_messages WHERE account_id = ${account.id} AND status = 'processed'`).length >= count,
        { what: `${count} inbound message(s) decided`, timeoutMs: 30_000 },
      );
    },
    async cleanup() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(running.map((r) => r.close().catch(() => {})));
      const connection = createRedisConnection(stack.redisUrl, { forWorker: false });
      const queue = createInboundQueue({ connection, name: queueName });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await connection.quit();
      await db.close();
    },
  };
}
