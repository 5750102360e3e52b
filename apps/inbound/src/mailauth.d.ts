// The part of mailauth (4.9, no bundled types) that verify-sender.ts uses.
declare module 'mailauth' {
  export interface AuthenticateOptions {
    ip?: string;
    helo?: string;
    sender?: string;
    mta?: string;
    resolver?: (name: string, rrtype: string) => Promise<unknown>;
    disableArc?: boolean;
    disableBimi?: boolean;
    disableDmarc?: boolean;
    minBitLength?: number;
  }
  export interface AuthenticateResult {
    /** Header lines (Received-SPF, Authentication-Results) to prepend to the message. */
    headers: string;
    dmarc?: unknown;
    dkim?: unknown;
    spf?: unknown;
  }
  export function authenticate(input: Buffer | string | NodeJS.ReadableStream, opts: AuthenticateOptions): Promise<AuthenticateResult>;
}
