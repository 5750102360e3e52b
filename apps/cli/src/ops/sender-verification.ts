// Sender verification settings: the account's policy (`account set --sender-verification`) and the
// authserv-ids an inbox trusts (`inbox connect|set --trusted-authserv-id`). The verdict itself is
// @reply-sync/threading's sender-verification.ts.
import type { Account, Inbox, Scoped } from '@reply-sync/db';
import { NO_AUTHSERV_ID, normalizeAuthservId, type SenderVerificationPolicy } from '@reply-sync/threading';
import { CliError } from '../cli-error';
import { POLICIES } from '../option-values';
import { requireInbox, trustOf, type InboxTrust } from '@reply-sync/operations/inbox-status';

/** The ids as given on the command line, checked and lower-cased; a bad one is refused with what to give instead. */
export function parseAuthservIds(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.map((value) => {
    const id = normalizeAuthservId(value);
    if (id === null) {
      throw new CliError(
        'invalid_authserv_id',
        `"${value}" is not an authserv-id: give the first word of the Authentication-Results header the inbox's own mail server writes (e.g. mx.google.com), or ${NO_AUTHSERV_ID} for Microsoft's header, which has none.`,
      );
    }
    return id;
  });
}

export interface AccountPolicy {
  id: string;
  name: string;
  senderVerification: SenderVerificationPolicy;
}

export async function setAccountSenderVerification(s: Scoped, policy: string): Promise<AccountPolicy> {
  if (!POLICIES.includes(policy)) {
    throw new CliError('invalid_policy', `"${policy}" is not a sender verification policy; give flag or require.`);
  }
  const row: Account = await s.account.setSenderVerification(policy as SenderVerificationPolicy);
  return { id: row.id, name: row.name, senderVerification: row.senderVerification };
}

/** `inbox set`: its own list of trusted ids, or (null) back to the provider's default. */
export async function setInboxTrustedAuthservIds(s: Scoped, inboxId: string, ids: string[] | null): Promise<{ id: string; address: string; provider: Inbox['provider'] } & InboxTrust> {
  await requireInbox(s, inboxId);
  const inbox = await s.inboxes.setTrustedAuthservIds(inboxId, ids);
  return { id: inbox.id, address: inbox.address, provider: inbox.provider, ...trustOf(inbox) };
}
