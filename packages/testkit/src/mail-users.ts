// Dovecot test users: one passwd-file per user (passdb + userdb), each with its own uid and home.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { profileOf, stack, type DovecotProfile, type ProfileName } from './stack-config';
import { uniqueName } from './unique-name';

export interface MailUser {
  /** The login name, which is also the address. */
  readonly user: string;
  readonly address: string;
  readonly password: string;
  readonly profile: ProfileName;
  readonly uid: number;
}

export interface CreateMailUserOptions {
  profile?: ProfileName;
  password?: string;
  /** Defaults to a unique name; a given local part is used as is. */
  localPart?: string;
}

const UID_MIN = 20_000;
const UID_SPAN = 40_000;

// Dovecot counts inotify instances per uid (128 here), so each user gets its own uid: a hash of the name
// spreads users over 20000-59999 without a shared counter that concurrent test files would race on.
function uidFor(user: string): number {
  return UID_MIN + (createHash('sha1').update(user).digest().readUInt32BE(0) % UID_SPAN);
}

// SHA512-CRYPT (5000 rounds) costs ~2 ms per login in Dovecot's auth process; fast enough, so no {PLAIN}.
function sha512Crypt(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['passwd', '-6', '-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && out.startsWith('$6$') ? resolve(out.trim()) : reject(new Error(`openssl passwd -6 failed: ${err}`)),
    );
    child.stdin.end(`${password}\n`);
  });
}

function userFile(profile: DovecotProfile, user: string): string {
  return join(profile.usersDir, user);
}

function homeOf(profile: DovecotProfile, user: string): string {
  return join(profile.homesDir, user);
}

async function writeUserFile(profile: DovecotProfile, user: string, password: string, uid: number): Promise<void> {
  if (user.includes(':') || user.includes('/') || user.includes('\n')) throw new Error(`unusable mail user name: ${user}`);
  const hash = await sha512Crypt(password);
  const line = `${user}:{SHA512-CRYPT}${hash}:${uid}:${uid}::${homeOf(profile, user)}::\n`;
  // Write then rename, so Dovecot never reads half a file. Readable by Dovecot's auth user (test stack only).
  const tmp = join(profile.usersDir, `.tmp-${randomBytes(6).toString('hex')}`);
  await writeFile(tmp, line, { mode: 0o644 });
  await rename(tmp, userFile(profile, user));
}

// Dovecot lists auto-created mailboxes before they exist on disk, but lists their parent "[Gmail]" (as
// \Noselect, like Gmail) only once they do: create the Maildir++ folders up front.
const GMAIL_FOLDERS = ['Sent Mail', 'Drafts', 'Spam', 'Trash', 'All Mail'];
async function createGmailFolders(home: string, uid: number): Promise<void> {
  const maildir = join(home, 'Maildir');
  const dirs = [maildir, ...GMAIL_FOLDERS.map((f) => join(maildir, `.[Gmail].${f}`))];
  for (const dir of dirs) {
    for (const sub of ['', 'cur', 'new', 'tmp']) {
      const path = join(dir, sub);
      await mkdir(path, { recursive: true, mode: 0o700 });
      await chown(path, uid, uid);
    }
  }
}

function resolveUser(user: MailUser | string): { name: string; profile: DovecotProfile } {
  if (typeof user === 'string') return { name: user, profile: profileOf(user) };
  return { name: user.user, profile: stack.profiles[user.profile] };
}

/** Creates a Dovecot user that can log in at once (IMAP, IMAPS, LMTP delivery, SMTP submission). */
export async function createMailUser(options: CreateMailUserOptions = {}): Promise<MailUser> {
  const profileName = options.profile ?? 'standard';
  const profile = stack.profiles[profileName];
  const localPart = options.localPart ?? uniqueName('user');
  const user = `${localPart}@${profile.domain}`;
  const password = options.password ?? randomBytes(12).toString('base64url');
  const uid = uidFor(user);
  const home = homeOf(profile, user);
  await mkdir(home, { recursive: true, mode: 0o700 });
  // As root (CI, the dev stack) the home belongs to the user's uid; otherwise Dovecot fills the 1777 parent.
  if (process.getuid?.() === 0) {
    await chown(home, uid, uid);
    if (profileName === 'gmail') await createGmailFolders(home, uid);
  }
  await writeUserFile(profile, user, password, uid);
  return { user, address: user, password, profile: profileName, uid };
}

// Dovecot re-reads a passwd-file when its mtime (whole seconds) or size changed, and checks at most once
// per wall-clock second.
async function nextSecond(afterMs: number): Promise<void> {
  const target = (Math.floor(afterMs / 1000) + 1) * 1000 + 20;
  const wait = target - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Changes a user's password. Resolves only once Dovecot accepts the new password and refuses the old one.
 * Open sessions stay open (as on real servers): use kick() to end them.
 */
export async function setPassword(user: MailUser | string, newPassword: string): Promise<MailUser> {
  const { name, profile } = resolveUser(user);
  const file = userFile(profile, name);
  const before = await stat(file);
  // Same second as the last write and same size would look unchanged to Dovecot: move past that second.
  await nextSecond(before.mtimeMs);
  const uid = typeof user === 'string' ? uidFor(name) : user.uid;
  await writeUserFile(profile, name, newPassword, uid);
  await nextSecond(Date.now());
  return { user: name, address: name, password: newPassword, profile: profile.name, uid };
}

/** Deletes the user's passwd-file and home (mail included). Open sessions are kicked first. */
export async function removeMailUser(user: MailUser | string): Promise<void> {
  const { name, profile } = resolveUser(user);
  await rm(userFile(profile, name), { force: true });
  await kick(user).catch(() => undefined);
  await rm(homeOf(profile, name), { recursive: true, force: true });
}

const execFileAsync = promisify(execFile);

/** Ends every open IMAP session of the user (doveadm kick), as an admin or a password reset would. */
export async function kick(user: MailUser | string): Promise<void> {
  const { name, profile } = resolveUser(user);
  try {
    await execFileAsync('doveadm', ['-c', profile.configPath, 'kick', name]);
  } catch (error) {
    // doveadm kick exits 68 (EX_NOUSER) when the user had no session: nothing to end.
    if ((error as { code?: unknown }).code !== 68) throw error;
  }
}

/**
 * The server's own view of the user's open IMAP sessions: their imap process ids (`doveadm who`),
 * empty when the user has none. Dovecot drops a session from this list as soon as it ends.
 */
export async function imapSessions(user: MailUser | string): Promise<number[]> {
  const { name, profile } = resolveUser(user);
  const { stdout } = await execFileAsync('doveadm', ['-c', profile.configPath, 'who', '-1', name]);
  // `who -1`: a header line, then one "username proto pid ip" line per connection.
  return stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([who, proto]) => who === name && proto === 'imap')
    .map(([, , pid]) => Number(pid));
}

/** Every user's open IMAP sessions on one profile's server (one `doveadm who`): user name → process ids. */
export async function imapSessionsByUser(profileName: ProfileName = 'standard'): Promise<Map<string, number[]>> {
  const { stdout } = await execFileAsync('doveadm', ['-c', stack.profiles[profileName].configPath, 'who', '-1']);
  const byUser = new Map<string, number[]>();
  for (const line of stdout.split('\n').slice(1)) {
    const [who, proto, pid] = line.trim().split(/\s+/);
    if (!who || proto !== 'imap') continue;
    byUser.set(who, [...(byUser.get(who) ?? []), Number(pid)]);
  }
  return byUser;
}
