// Runs imapflow against a server and returns the error it really raises (or throws if it connected).
import { createImapClient } from '../../src/create-imap-client';
import type { ConnectOptions, ImapSettings, MailCredentials } from '../../src/settings';

export async function connectError(settings: ImapSettings, credentials: MailCredentials, options: ConnectOptions = {}): Promise<unknown> {
  const client = createImapClient(settings, credentials, { connectTimeoutMs: 5_000, ...options });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.close();
    return err;
  }
  // Some failures come after login (Microsoft's "authenticated but not connected" on SELECT).
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
  } catch (err) {
    client.close();
    return err;
  }
  await client.logout();
  throw new Error('expected the connection to fail');
}
