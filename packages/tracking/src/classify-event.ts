// Machine or human: each open or click gets a class and the reason for it, from the request and the
// earlier events of the same email and recipient. The rules, in the order they are tried:
// 1. a HEAD request is a security scanner (browsers and mail clients GET images and links);
// 2. an open or click from a known mail security gateway's ranges is a scanner;
// 3. an open from Apple's Mail Privacy Protection egress ranges is a privacy-proxy prefetch;
// 4. an open with Apple Mail's proxy user agent in the first seconds after sending is a prefetch too;
// 5. Google's image proxy: the first open counts, its repeats do not (it caches, and refetches are noise);
// 6. a click within a second of a click on another link is a scanner (nobody clicks two links that fast);
// 7. a click before any counted open, in the first seconds after sending, is a scanner;
// 8. anything else is a person.
import type { IpRanges } from './ip-ranges';

export const EVENT_CLASSES = ['human', 'privacy_proxy', 'image_proxy', 'scanner'] as const;
export type EventClass = (typeof EVENT_CLASSES)[number];

export const EVENT_REASONS = [
  'human',
  'head_request',
  'known_scanner_range',
  'apple_mpp_egress_range',
  'apple_mpp_prefetch_timing',
  'google_image_proxy',
  'google_image_proxy_repeat',
  'links_clicked_within_a_second',
  'click_before_open_at_delivery',
] as const;
export type EventReason = (typeof EVENT_REASONS)[number];

/** One sentence per reason, for the feed's "likely automated, because…", the logs and explain. */
export const EVENT_REASON_SENTENCES: Record<EventReason, string> = {
  human: 'Opened or clicked by a person, as far as we can tell.',
  head_request: 'A HEAD request: link scanners check links this way, people never do.',
  known_scanner_range: "From a mail security gateway's addresses (such as Microsoft Defender's or Proofpoint's): it loads images and follows links to check the email, whether or not anyone reads it.",
  apple_mpp_egress_range: "Fetched from Apple's Mail Privacy Protection addresses: Apple loads images for the recipient whether or not they read the email.",
  apple_mpp_prefetch_timing: "Apple Mail's proxy fetched the image seconds after sending: a privacy prefetch, not a reading.",
  google_image_proxy: "Through Gmail's image proxy: counts as an open (Gmail fetches images when the recipient opens the email).",
  google_image_proxy_repeat: "Gmail's image proxy fetched the image again: not counted again.",
  links_clicked_within_a_second: 'A different link of the same email was clicked less than a second before: a scanner following every link.',
  click_before_open_at_delivery: 'A link was clicked seconds after sending, before any open: a security scanner checking the email on delivery.',
};

export interface TrackingRequest {
  kind: 'open' | 'click';
  method: 'GET' | 'HEAD';
  at: Date;
  ip: string;
  userAgent: string;
  /** When the email was sent (from the token). */
  sentAt: Date;
  /** The link (clicks). */
  target?: string | null;
}

export interface PriorEvent {
  kind: 'open' | 'click';
  at: Date;
  target?: string | null;
  eventClass: EventClass;
  reason: EventReason;
  /** Whether it counted as an open or click of a person (human, or Gmail's first proxy fetch). */
  counted: boolean;
}

export interface Classification {
  eventClass: EventClass;
  reason: EventReason;
  counted: boolean;
}

export interface ClassifyOptions {
  appleRanges: IpRanges;
  /** Mail security gateways' ranges (data/security-scanner-ranges.csv or the operator's file). */
  scannerRanges: IpRanges;
  /** Opens by Apple's proxy agent this soon after sending are prefetches (default 60 s). */
  prefetchWindowMs?: number;
  /** Clicks this soon after sending with no open before are scanners (default 60 s). */
  scannerWindowMs?: number;
}

// Apple Mail's WebKit agent, without the Safari/Version tokens a browser sends: what its proxy presents.
const APPLE_MAIL_AGENT = /^Mozilla\/5\.0 \((Macintosh|iPhone|iPad)[^)]*\) AppleWebKit\/[\d.]+ \(KHTML, like Gecko\)$/;
const GOOGLE_IMAGE_PROXY = /GoogleImageProxy/;

const machine = (eventClass: EventClass, reason: EventReason, counted = false): Classification => ({ eventClass, reason, counted });

export function classifyEvent(request: TrackingRequest, prior: readonly PriorEvent[], options: ClassifyOptions): Classification {
  const sinceSent = request.at.getTime() - request.sentAt.getTime();
  if (request.method === 'HEAD') return machine('scanner', 'head_request');
  if (options.scannerRanges.has(request.ip)) return machine('scanner', 'known_scanner_range');
  if (request.kind === 'open') {
    if (options.appleRanges.has(request.ip)) return machine('privacy_proxy', 'apple_mpp_egress_range');
    if (APPLE_MAIL_AGENT.test(request.userAgent) && sinceSent <= (options.prefetchWindowMs ?? 60_000)) return machine('privacy_proxy', 'apple_mpp_prefetch_timing');
    if (GOOGLE_IMAGE_PROXY.test(request.userAgent)) {
      const again = prior.some((e) => e.kind === 'open' && e.reason === 'google_image_proxy');
      return again ? machine('image_proxy', 'google_image_proxy_repeat') : machine('image_proxy', 'google_image_proxy', true);
    }
    return machine('human', 'human', true);
  }
  const otherLinkJustBefore = prior.some((e) => e.kind === 'click' && e.target !== request.target && Math.abs(request.at.getTime() - e.at.getTime()) < 1000);
  if (otherLinkJustBefore) return machine('scanner', 'links_clicked_within_a_second');
  const openedBefore = prior.some((e) => e.kind === 'open' && e.counted && e.at <= request.at);
  if (!openedBefore && sinceSent <= (options.scannerWindowMs ?? 60_000)) return machine('scanner', 'click_before_open_at_delivery');
  return machine('human', 'human', true);
}
