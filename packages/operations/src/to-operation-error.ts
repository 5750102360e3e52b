// Any thrown value as an OperationError. It imports the db and mail packages' error classes, so the CLI
// loads it only when a command has failed with something other than an OperationError.
import { CredentialsDecryptError, DbError, EncryptionKeyError } from '@reply-sync/db';
import { isOAuthError, MailConnectError, MailSettingsError } from '@reply-sync/mail';
import { OperationError } from './operation-error';

/** Unknown errors keep their message under the code `unexpected`. */
export function toOperationError(error: unknown): OperationError {
  if (error instanceof OperationError) return error;
  if (error instanceof MailSettingsError) return new OperationError(error.reason, error.sentence, error.detail);
  if (isOAuthError(error)) {
    // The grant's reasons (consent_missing...) keep their code; an outage or a refused client is named as OAuth's.
    if (error.code === 'transient') {
      return new OperationError('oauth_unreachable', "The provider's sign-in service could not be reached or failed; nothing was saved. Try again in a moment.", error.detail);
    }
    return new OperationError(error.code === 'config' ? 'oauth_config' : error.code, error.message, error.detail);
  }
  if (error instanceof MailConnectError) return new OperationError(error.reason ?? `connect_${error.kind}`, error.sentence, error.detail);
  if (error instanceof DbError) return new OperationError(error.code, error.sentence, undefined, error.nextStep);
  // By name: the webhooks package's error (a subscription refused), without importing that package here.
  if (error instanceof Error && error.name === 'WebhookError') return new OperationError((error as Error & { code: string }).code, error.message);
  if (error instanceof EncryptionKeyError) return new OperationError(error.code, error.message);
  if (error instanceof CredentialsDecryptError) return new OperationError(`credentials_${error.code}`, error.sentence, undefined, error.nextStep);
  if (error instanceof Error) {
    // The apps' env parsers (SchedulerEnvError, WorkerEnvError) carry a code and a full sentence.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /_env_invalid$/.test(code)) return new OperationError(code, error.message);
    return new OperationError('unexpected', error.message);
  }
  return new OperationError('unexpected', String(error));
}
