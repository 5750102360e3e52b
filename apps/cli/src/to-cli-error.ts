// Any thrown value as a CliError. It imports the db and mail packages' error classes, so main.ts loads
// it only when a command has failed with something other than a CliError.
import { CredentialsDecryptError, DbError, EncryptionKeyError } from '@reply-sync/db';
import { isOAuthError, MailConnectError, MailSettingsError } from '@reply-sync/mail';
import { CliError } from './cli-error';

/** Unknown errors keep their message under the code `unexpected`. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof MailSettingsError) return new CliError(error.reason, error.sentence, error.detail);
  if (isOAuthError(error)) {
    // The grant's reasons (consent_missing...) keep their code; an outage or a refused client is named as OAuth's.
    if (error.code === 'transient') {
      return new CliError('oauth_unreachable', "The provider's sign-in service could not be reached or failed; nothing was saved. Try again in a moment.", error.detail);
    }
    return new CliError(error.code === 'config' ? 'oauth_config' : error.code, error.message, error.detail);
  }
  if (error instanceof MailConnectError) return new CliError(error.reason ?? `connect_${error.kind}`, error.sentence, error.detail);
  if (error instanceof DbError) return new CliError(error.code, error.message);
  if (error instanceof Error && error.name === 'WebhookError') return new CliError((error as Error & { code: string }).code, error.message);
  if (error instanceof EncryptionKeyError) return new CliError(error.code, error.message);
  if (error instanceof CredentialsDecryptError) return new CliError(`credentials_${error.code}`, error.message);
  if (error instanceof Error) {
    // The apps' env parsers (SchedulerEnvError, WorkerEnvError) carry a code and a full sentence.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /_env_invalid$/.test(code)) return new CliError(code, error.message);
    return new CliError('unexpected', error.message);
  }
  return new CliError('unexpected', String(error));
}
