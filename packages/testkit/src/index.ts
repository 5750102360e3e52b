// Test-only helpers for reply-sync: the local stack's config, Dovecot users, mail delivery, polling.
export { stack, profileOf, parseEnvFile, type StackConfig, type DovecotProfile, type ProfileName } from './stack-config';
export { createMailUser, setPassword, removeMailUser, kick, imapSessions, imapSessionsByUser, type MailUser, type CreateMailUserOptions } from './mail-users';
export { deliver, openImap, inboxMessageIds, appendTo, createMailbox, type DeliverOptions, type OpenImapOptions } from './mail-delivery';
export { writeMaildirMessages, mailboxStatus, type MailboxStatus } from './maildir';
export { composeEmail, type ComposeEmailInput } from './compose-email';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export { uniqueName } from './unique-name';
export { oauthServer, startOAuthServer, GOOGLE_MAIL_SCOPE, MICROSOFT_IMAP_SCOPE, MICROSOFT_SMTP_SCOPE, type CreateGrantOptions, type CreatedGrant, type FakeGrant, type OAuthServerUrls, type FakeProvider } from './oauth-server/index';
export { closedPort } from './closed-port';
export { startPrivateRedis, type PrivateRedis } from './private-redis';
export { startOutageProxy, type OutageProxy } from './outage-proxy';
export { maxInWindow } from './max-in-window';
export { startCountingProxy, type ConnectionBytes, type CountingProxy, type CountingProxyOptions } from './counting-proxy';
export { startPrivatePostgres, type PrivatePostgres } from './private-postgres';
export { startLineServer, type LineServer } from './line-server';
export { smtpAuthRefusal, startScriptedSmtpServer, type ScriptedSmtpServer } from './scripted-smtp-server';
export { redisCluster, parseClusterNodes, TAKE_OVER_AFTER_CRASH_TIMEOUT_MS, withTopologyLock, type RedisClusterHelper, type ClusterNodeInfo, type FailoverResult, type CrashResult } from './redis-cluster';
