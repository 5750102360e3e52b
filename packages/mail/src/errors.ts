// The errors this package throws on purpose, each with a code and a sentence a person can act on.
import type { DisconnectReason } from './disconnect-reasons';
import type { MailErrorKind } from './classify-error';
import type { ThrottleReason } from './throttle-reasons';

/** Settings refused before any connection was attempted (e.g. POP3 host or port). */
export class MailSettingsError extends Error {
  override readonly name = 'MailSettingsError';
  readonly code: DisconnectReason;
  readonly kind: MailErrorKind = 'config';
  readonly reason: DisconnectReason;
  readonly sentence: string;
  readonly detail: string;

  constructor(code: DisconnectReason, sentence: string, detail: string) {
    super(sentence);
    this.code = code;
    this.reason = code;
    this.sentence = sentence;
    this.detail = detail;
  }
}

/**
 * A connection or login attempt failed. `reason` is set when the failure maps to a disconnect reason;
 * a transient failure (kind 'transient') has none, since whether it persisted is the caller's call.
 */
export class MailConnectError extends Error {
  override readonly name = 'MailConnectError';
  readonly kind: MailErrorKind;
  readonly reason: DisconnectReason | undefined;
  /** The server's (or the OS's) own text, with any credential removed. */
  readonly detail: string;
  /** What to tell the person connecting the inbox. */
  readonly sentence: string;
  /** Set when the provider is throttling the account (kind 'transient'): try again later. */
  readonly throttle: ThrottleReason | undefined;

  constructor(
    init: { kind: MailErrorKind; reason?: DisconnectReason | undefined; throttle?: ThrottleReason | undefined; detail: string; sentence: string },
    options?: { cause?: unknown },
  ) {
    super(init.sentence, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = init.kind;
    this.reason = init.reason;
    this.throttle = init.throttle;
    this.detail = init.detail;
    this.sentence = init.sentence;
  }
}

/** The server greeted with POP3's `+OK` where an IMAP greeting (`* OK`) was expected. */
export class Pop3GreetingError extends Error {
  override readonly name = 'Pop3GreetingError';
  readonly code = 'POP3_GREETING';
  readonly greeting: string;

  constructor(greeting: string) {
    super(`The server answered with a POP3 greeting: ${greeting}`);
    this.greeting = greeting;
  }
}
