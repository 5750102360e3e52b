// Holds an IMAP client's LOGIN/AUTHENTICATE until a caller's turn comes, after the connection is set up
// (TCP, TLS, greeting, CAPABILITY, STARTTLS, ID): a login budget then paces the commands the server
// counts as logins, not the connects before them, whose set-up time varies and would bunch the logins.
import type { ImapFlow } from 'imapflow';

/** imapflow's own login step: `connect()` runs greeting → CAPABILITY → STARTTLS → ID → authenticate(). */
interface WithAuthenticate {
  authenticate?: () => Promise<unknown>;
}

export class LoginGateError extends Error {
  override readonly name = 'LoginGateError';
  readonly code = 'login_gate_unsupported';
  constructor() {
    super('This imapflow version has no authenticate() step to hold the login at; the login budget cannot pace it (pin imapflow 2.x or update login-gate.ts).');
  }
}

/**
 * Makes `client.connect()` await `beforeLogin()` right before it sends LOGIN or AUTHENTICATE. When
 * `beforeLogin` rejects (the caller's signal aborted), imapflow closes the connection and `connect()`
 * rejects with that reason, so the wait is as cancellable as the connect itself. A PREAUTH greeting
 * logs in nobody and does not wait. While it waits the connection is silent, so imapflow's socket
 * timeout bounds it too; keep the wait short (seconds) to hold no idle pre-login connection open.
 * Throws LoginGateError when imapflow no longer has the step (a major upgrade changed its internals).
 */
export function gateLogin(client: ImapFlow, beforeLogin: () => Promise<void>): void {
  const target = client as unknown as WithAuthenticate;
  const authenticate = target.authenticate;
  if (typeof authenticate !== 'function') throw new LoginGateError();
  target.authenticate = async function gatedAuthenticate(this: ImapFlow) {
    // Authenticated by a PREAUTH greeting: imapflow's step sends nothing, so no turn is taken.
    if (client.authenticated === true) return authenticate.call(client);
    await beforeLogin();
    return authenticate.call(client);
  };
}
