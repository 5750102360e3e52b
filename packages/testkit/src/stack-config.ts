// Where the local test stack (scripts/stack.sh) listens: from the environment, else <repo>/.stack/env, else defaults.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export type ProfileName = 'standard' | 'gmail';

export interface DovecotProfile {
  readonly name: ProfileName;
  readonly host: string;
  readonly imapPort: number;
  readonly imapsPort: number;
  readonly lmtpPort: number;
  readonly domain: string;
  /** Hierarchy separator of the profile's namespace. */
  readonly separator: '.' | '/';
  /** The Dovecot config of this profile (for doveadm -c). */
  readonly configPath: string;
  readonly usersDir: string;
  readonly homesDir: string;
}

export interface StackConfig {
  readonly stackDir: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The stack's six-node Redis Cluster (redis://…?cluster=true&addr=…); empty when the env does not name it. */
  readonly redisClusterUrl: string;
  readonly encryptionKeys: string;
  readonly queueName: string;
  readonly profiles: Readonly<Record<ProfileName, DovecotProfile>>;
  readonly smtp: { readonly host: string; readonly submissionPort: number; readonly mxPort: number };
  /** The logging addresses' domain, which Postfix relays to apps/inbound on smtpPort (the demo listens there). */
  readonly inbound: { readonly domain: string; readonly smtpPort: number };
  readonly oauth: { readonly httpPort: number };
  readonly caCertPath: string;
  /** PEM of the stack's self-signed certificate (SAN localhost, 127.0.0.1): pass as `tls.ca`. */
  readonly caCert: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Parses the `export NAME='value'` lines that scripts/stack.sh writes. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)"|(\S*))\s*$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

function readStackEnvFile(): Record<string, string> | null {
  try {
    return parseEnvFile(readFileSync(join(repoRoot, '.stack', 'env'), 'utf8'));
  } catch {
    return null;
  }
}

function loadStackConfig(file: Record<string, string>, env: NodeJS.ProcessEnv = process.env): StackConfig {
  const get = (name: string, fallback: string): string => env[name] || file[name] || fallback;
  const num = (name: string, fallback: number): number => Number(get(name, String(fallback)));
  const stackDir = get('STACK_DIR', join(repoRoot, '.stack'));
  const host = get('STACK_IMAP_HOST', '127.0.0.1');
  const profile = (name: ProfileName, ports: [number, number, number], domain: string, separator: '.' | '/'): DovecotProfile => {
    const prefix = name === 'standard' ? 'STACK_' : 'STACK_GMAIL_';
    const dir = join(stackDir, 'dovecot', name);
    return {
      name,
      host,
      imapPort: num(`${prefix}IMAP_PORT`, ports[0]),
      imapsPort: num(`${prefix}IMAPS_PORT`, ports[1]),
      lmtpPort: num(`${prefix}LMTP_PORT`, ports[2]),
      domain,
      separator,
      configPath: join(dir, 'dovecot.conf'),
      usersDir: join(dir, 'users'),
      homesDir: join(dir, 'home'),
    };
  };
  const caCertPath = get('STACK_CA_CERT', join(stackDir, 'tls', 'cert.pem'));
  let caCert: string | undefined;
  return {
    stackDir,
    databaseUrl: get('DATABASE_URL', 'postgres://reply_sync@127.0.0.1:54329/reply_sync'),
    redisUrl: get('REDIS_URL', 'redis://127.0.0.1:56379'),
    redisClusterUrl: get('STACK_REDIS_CLUSTER_URL', ''),
    encryptionKeys: get('REPLY_SYNC_ENCRYPTION_KEYS', ''),
    queueName: get('REPLY_SYNC_QUEUE', 'reply-sync-inboxes'),
    profiles: {
      standard: profile('standard', [51143, 51993, 51024], 'mail.test', '.'),
      gmail: profile('gmail', [52143, 52993, 52024], 'gmail.test', '/'),
    },
    smtp: {
      host,
      submissionPort: num('STACK_SMTP_SUBMISSION_PORT', 51587),
      mxPort: num('STACK_SMTP_MX_PORT', 51025),
    },
    inbound: { domain: get('STACK_INBOUND_DOMAIN', 'inbound.test'), smtpPort: num('STACK_INBOUND_SMTP_PORT', 51525) },
    oauth: { httpPort: num('STACK_OAUTH_HTTP_PORT', 51080) },
    caCertPath,
    // Read on first use, so importing the testkit never fails before the stack is up.
    get caCert(): string {
      caCert ??= readFileSync(caCertPath, 'utf8');
      return caCert;
    },
  };
}

let loaded: StackConfig | null = null;

/**
 * The stack's config, read when first used rather than when the testkit is imported: the demo imports
 * the testkit before its first `stack.sh start` has written .stack/env. Until that file exists the
 * values come from the environment and defaults, and are read again on the next use.
 */
function current(): StackConfig {
  if (loaded) return loaded;
  const file = readStackEnvFile();
  const config = loadStackConfig(file ?? {});
  if (file) loaded = config;
  return config;
}

export const stack: StackConfig = new Proxy({} as StackConfig, {
  get: (_target, property) => Reflect.get(current(), property),
  has: (_target, property) => Reflect.has(current(), property),
  ownKeys: () => Reflect.ownKeys(current()),
  getOwnPropertyDescriptor: (_target, property) => Reflect.getOwnPropertyDescriptor(current(), property),
});

/** The profile a mail address belongs to, by its domain (standard unless it is the gmail profile's). */
export function profileOf(address: string): DovecotProfile {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domain === stack.profiles.gmail.domain ? stack.profiles.gmail : stack.profiles.standard;
}
