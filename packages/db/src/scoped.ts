// scoped(db, accountId): the only object apps use for tenant data. Every query behind it is built
// with accountScope(), which adds `account_id = accountId` to each statement.
import type { Db } from './client';
import { accountScope } from './account-scope';
import { accountQueries } from './queries/accounts';
import { activityQueries } from './queries/activity';
import { apiKeyQueries } from './queries/api-keys';
import { attachmentQueries } from './queries/attachments';
import { companyQueries, contactQueries, dealQueries } from './queries/contacts';
import { consoleUserQueries } from './queries/console-users';
import { decisionQueries } from './queries/decisions';
import { emailQueries } from './queries/emails';
import { idempotencyKeyQueries } from './queries/idempotency-keys';
import { inboundQueries } from './queries/inbound';
import { inboxQueries } from './queries/inboxes';
import { doNotTrackQueries } from './queries/do-not-track';
import { neverLogQueries } from './queries/never-log';
import { oauthCredentialQueries } from './queries/oauth-credentials';
import { outgoingEmailQueries } from './queries/outgoing-emails';
import { syncHealthQueries } from './queries/sync-health';
import { timelineQueries } from './queries/timeline';
import { userQueries } from './queries/users';
import { webhookQueries } from './queries/webhooks';

export function scoped(db: Db, accountId: string) {
  const scope = accountScope(accountId);
  return {
    accountId,
    account: accountQueries(db, scope),
    users: userQueries(db, scope),
    contacts: contactQueries(db, scope),
    companies: companyQueries(db, scope),
    deals: dealQueries(db, scope),
    neverLog: neverLogQueries(db, scope),
    doNotTrack: doNotTrackQueries(db, scope),
    // The OAuth token reads/writes and the sync health (errors, last synced) live in their own
    // modules; to callers they are inbox queries.
    inboxes: { ...inboxQueries(db, scope), ...syncHealthQueries(db, scope), ...oauthCredentialQueries(db, scope) },
    emails: emailQueries(db, scope),
    attachments: attachmentQueries(db, scope),
    outgoingEmails: outgoingEmailQueries(db, scope),
    decisions: decisionQueries(db, scope),
    timeline: timelineQueries(db, scope),
    activity: activityQueries(db, scope),
    apiKeys: apiKeyQueries(db, scope),
    idempotencyKeys: idempotencyKeyQueries(db, scope),
    webhooks: webhookQueries(db, scope),
    inbound: inboundQueries(db, scope),
    consoleUsers: consoleUserQueries(db, scope),
  };
}

export type Scoped = ReturnType<typeof scoped>;
