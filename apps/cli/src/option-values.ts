// The values options accept and the limits their help states. The command definitions (loaded for every
// command line, --help included) and the ops share them, so this file imports constants only.
import { MAX_OUTGOING_ATTACHMENT_BYTES } from '@reply-sync/db/limits';
import type { OAuthProviderName } from '@reply-sync/mail';
import { SENDER_VERIFICATION_POLICIES, SENDER_VERIFICATION_SENTENCES, type SenderVerificationPolicy } from '@reply-sync/threading';

export { TLS_MODES } from '@reply-sync/operations/tls-modes';

export const OAUTH_PROVIDERS: readonly OAuthProviderName[] = ['gmail', 'office365'];

/** Google and Microsoft both allow a loopback redirect; the browser's address bar then holds the code. */
export const DEFAULT_REDIRECT_URI = 'http://localhost';

export { LOG_SOURCES, type LogSource } from '@reply-sync/operations/log-sources';

export const POLICIES: readonly string[] = SENDER_VERIFICATION_POLICIES;

/** The policies' sentences live beside the policies in packages/threading (one table, translated in packages/i18n). */
export const POLICY_SENTENCES: Readonly<Record<SenderVerificationPolicy, string>> = SENDER_VERIFICATION_SENTENCES;

/** How long `email send --wait` waits by default, in seconds. */
export const DEFAULT_WAIT_SECONDS = 60;

/** What `email send --attach` reads at most, in all (the database refuses more). */
export const MAX_ATTACHMENT_MB = MAX_OUTGOING_ATTACHMENT_BYTES / 1024 / 1024;
