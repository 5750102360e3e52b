// Runs imapflow against a server and returns the error it really raises (or throws if it connected).
import { createImapClient } from '../../src/create-imap-client';
import type { ConnectOptions, ImapSettings, MailCredentials } from '../../src/settings';
import { startScriptedImapServer, type Script } from './scripted-imap-server';

/** Credentials whose secrets the tests look for in what must not hold them. */
export const password: MailCredentials = { kind: 'password', username: 'ana@example.com', password: 'hunter2-secret' };
export const oauth: MailCredentials = { kind: 'oauth2', username: 'ana@example.com', accessToken: 'ya29.a0-secret-token' };

/** The error imapflow raises against a scripted server answering with a provider's words. */
export async function errorFromScript(script: Script, credentials: MailCredentials): Promise<unknown> {
  const server = await startScriptedImapServer(script);
  try {
    return await connectError({ host: '127.0.0.1', port: server.port, tls: 'none' }, credentials);
  } finally {
    await server.close();
  }
}

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
