/// <reference path="./mailauth.d.ts" />
// SPF, DKIM and DMARC of a received message, checked by mailauth through an injectable DNS resolver,
// then read by threading's one rule (verifySender: DMARC pass, or an aligned DKIM pass) from the
// Authentication-Results header mailauth writes as our own MTA: the same verdict shape as a reply's.
// A message read from a logging mailbox has no SMTP session to check: its verdict is the topmost
// Authentication-Results of the mailbox's own server (the inbox's trusted authserv-ids), as reply sync's.
import { Resolver } from 'node:dns/promises';
import { verifySender, type SenderVerification } from '@reply-sync/threading';
import { authenticate } from 'mailauth';

/** What mailauth asks for: like dns.promises.resolve (TXT answers are arrays of strings). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export function systemResolver(servers: string[] | null): DnsResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers) resolver.setServers(servers);
  return (name, rrtype) => resolver.resolve(name, rrtype as 'TXT');
}

export interface SenderCheckInput {
  raw: Buffer;
  from: string | null;
  clientIp: string | null;
  helo: string | null;
  envelopeFrom: string | null;
}

/** The value of the first Authentication-Results field in a block of header lines. */
function authenticationResultsOf(headers: string): string | null {
  const m = /^Authentication-Results:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headers);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

export async function checkSender(input: SenderCheckInput, resolver: DnsResolver, mta: string): Promise<SenderVerification> {
  let ar: string | null;
  try {
    const result = await authenticate(input.raw, {
      ip: (input.clientIp ?? '127.0.0.1').replace(/^::ffff:/, ''),
      helo: input.helo ?? undefined,
      sender: input.envelopeFrom ?? undefined,
      mta,
      resolver,
      disableArc: true,
      disableBimi: true,
    });
    ar = authenticationResultsOf(result.headers ?? '');
  } catch (error) {
    return { verified: false, dmarc: null, dkim: null, dkimAligned: false, spf: null, authservId: null, detail: `the sender could not be checked: ${error instanceof Error ? error.message : String(error)}` };
  }
  return verifySender({ authenticationResults: ar ? [ar] : [], from: input.from, trustedAuthservIds: [mta] });
}

/** The logging mailbox's verdict: its own server's Authentication-Results only (never mailauth's, never the sender's). */
export function checkMailboxSender(headers: Map<string, string[]>, from: string | null, trustedAuthservIds: string[] | null): SenderVerification {
  if (trustedAuthservIds === null) {
    return { verified: false, dmarc: null, dkim: null, dkimAligned: false, spf: null, authservId: null, detail: 'the logging inbox it was read from is gone' };
  }
  return verifySender({ authenticationResults: headers.get('authentication-results') ?? [], from, trustedAuthservIds });
}
