// `credentials reencrypt`: the maintenance path for stored inbox credentials across every account. It
// re-encrypts values written before v2 (not bound to their inbox) and values under an older key (after a
// rotation) as v2 with the active key. Reads upgrade v1 values too; this does all of them at once, so
// old keys can be retired. The keys live in the environment, which is why this is code, not a SQL migration.
import type { ReencryptAllResult } from '@reply-sync/db';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CliRuntime } from '../runtime';

function describe(result: ReencryptAllResult, activeKey: string): string {
  const lines = [`Re-encrypted ${result.reencrypted} inbox credential value(s) with key "${activeKey}"; ${result.current} already were.`];
  for (const f of result.failed) lines.push(`  inbox ${f.inboxId} (account ${f.accountId}): ${f.code}: ${f.message}`);
  return lines.join('\n');
}

export function registerCredentialsCommands(program: Command, rt: CliRuntime): void {
  const credentials = program.command('credentials').description('stored inbox credentials (encrypted with REPLY_SYNC_ENCRYPTION_KEYS)');
  credentials
    .command('reencrypt')
    .description('re-encrypt every inbox\'s credentials with the active (first) key in the current format; run after a key rotation, before dropping the old key')
    .action(
      rt.action(async (ctx) => {
        const keys = ctx.env().encryptionKeys();
        const { reencryptAllCredentials } = await import('@reply-sync/db');
        const result = await reencryptAllCredentials(ctx.db().db, keys);
        ctx.print(result, () => describe(result, keys.active.id));
        if (result.failed.length > 0) {
          throw new CliError(
            'credentials_reencrypt_incomplete',
            `${result.failed.length} inbox(es) could not be decrypted and were left as they are (listed above); add their key to REPLY_SYNC_ENCRYPTION_KEYS, or reconnect those inboxes.`,
          );
        }
      }),
    );
}
