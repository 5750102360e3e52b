// `console-user create|list --json`: the password comes from stdin or a variable (never an argument) and is
// stored only as an scrypt hash that checks; bad roles and short passwords are refused with a sentence.
import { consolePasswordMatches, consoleUsers } from '@reply-sync/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
beforeEach(async () => {
  t = await freshAccount();
});
afterEach(async () => {
  await t?.close();
});

const email = () => `support-${t.accountId.slice(0, 8)}@example.com`;

describe('console-user', () => {
  it('creates a support user whose password is stored as an scrypt hash, and lists it', async () => {
    const created = await cli(['console-user', 'create', '--account', t.accountId, '--email', email(), '--role', 'support', '--password-env', 'CONSOLE_PW', '--json'], { env: { ...cliEnv(), CONSOLE_PW: 'correct horse battery' } });
    expect(created.code, created.stderr).toBe(0);
    expect(created.json()).toMatchObject({ email: email(), role: 'support', language: null });
    expect(created.stdout).not.toContain('passwordHash');
    const [row] = await t.db.db.select().from(consoleUsers).where(eq(consoleUsers.email, email()));
    expect(row!.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(await consolePasswordMatches('correct horse battery', row!.passwordHash)).toBe(true);
    expect(await consolePasswordMatches('correct horse batterY', row!.passwordHash)).toBe(false);

    const listed = await cli(['console-user', 'list', '--account', t.accountId, '--json']);
    expect(listed.json()).toEqual([expect.objectContaining({ email: email(), role: 'support' })]);
  });

  it('refuses a password argument, an unknown role and a short password', async () => {
    const arg = await cli(['console-user', 'create', '--account', t.accountId, '--email', email(), '--role', 'admin', '--password', 'x', '--json']);
    expect(JSON.parse(arg.stderr).error.code).toBe('password_argument_refused');
    const role = await cli(['console-user', 'create', '--account', t.accountId, '--email', email(), '--role', 'root', '--password-env', 'PW', '--json'], { env: { ...cliEnv(), PW: 'long enough password' } });
    expect(JSON.parse(role.stderr).error).toMatchObject({ code: 'invalid_role', message: expect.stringContaining('support or admin') });
    const short = await cli(['console-user', 'create', '--account', t.accountId, '--email', email(), '--role', 'admin', '--password-env', 'PW', '--json'], { env: { ...cliEnv(), PW: 'short' } });
    expect(JSON.parse(short.stderr).error.code).toBe('invalid_password');
  });
});
