import { describe, expect, it } from 'vitest';
import { classifyEvent, EVENT_REASON_SENTENCES, EVENT_REASONS, loadTrackingRanges, parseIpRanges, type PriorEvent, type TrackingRequest } from '../src/index';

// The shipped lists, as the tracker loads them by default.
const options = loadTrackingRanges();
const sentAt = new Date('2026-12-02T06:00:00Z');
const at = (seconds: number) => new Date(sentAt.getTime() + seconds * 1000);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const OUTLOOK = 'Mozilla/4.0 (compatible; ms-office; MSOffice rmj)';
const APPLE_PROXY = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15';
const GMAIL = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const open = (over: Partial<TrackingRequest>): TrackingRequest => ({ kind: 'open', method: 'GET', at: at(3600), ip: '203.0.113.9', userAgent: CHROME, sentAt, ...over });
const click = (over: Partial<TrackingRequest>): TrackingRequest => ({ ...open({}), kind: 'click', target: 'https://example.com/a', ...over });
const counted = (kind: 'open' | 'click', seconds: number, target?: string): PriorEvent => ({ kind, at: at(seconds), target, eventClass: 'human', reason: 'human', counted: true });

describe('classifying opens and clicks', () => {
  it('a person opening in Outlook an hour later, then clicking, is human and counts', () => {
    expect(classifyEvent(open({ userAgent: OUTLOOK }), [], options)).toEqual({ eventClass: 'human', reason: 'human', counted: true });
    expect(classifyEvent(click({ at: at(3630) }), [counted('open', 3600)], options)).toEqual({ eventClass: 'human', reason: 'human', counted: true });
  });

  it("Apple Mail Privacy Protection: from Apple's egress ranges, or its agent seconds after sending", () => {
    expect(classifyEvent(open({ ip: '17.58.101.4', userAgent: APPLE_PROXY, at: at(4000) }), [], options)).toMatchObject({ eventClass: 'privacy_proxy', reason: 'apple_mpp_egress_range', counted: false });
    expect(classifyEvent(open({ ip: '::ffff:17.58.101.4' }), [], options).reason).toBe('apple_mpp_egress_range');
    expect(classifyEvent(open({ ip: '198.51.100.7', userAgent: APPLE_PROXY, at: at(4) }), [], options)).toMatchObject({ eventClass: 'privacy_proxy', reason: 'apple_mpp_prefetch_timing' });
    // Apple Mail without the proxy, a day later from the reader's own address: a person.
    expect(classifyEvent(open({ ip: '198.51.100.7', userAgent: APPLE_PROXY, at: at(86400) }), [], options).eventClass).toBe('human');
    // Safari (webmail) seconds after sending is a person too: it sends Version/ and Safari/.
    expect(classifyEvent(open({ userAgent: SAFARI, at: at(4) }), [], options).eventClass).toBe('human');
  });

  it("Gmail's image proxy counts once; its repeats do not", () => {
    const first = classifyEvent(open({ userAgent: GMAIL, ip: '66.249.84.1' }), [], options);
    expect(first).toEqual({ eventClass: 'image_proxy', reason: 'google_image_proxy', counted: true });
    const again = classifyEvent(open({ userAgent: GMAIL, at: at(7200) }), [{ kind: 'open', at: at(3600), ...first }], options);
    expect(again).toEqual({ eventClass: 'image_proxy', reason: 'google_image_proxy_repeat', counted: false });
  });

  it("security scanners: a mail gateway's ranges (Microsoft's EOP, Proofpoint), for opens and clicks at any time", () => {
    // Defender for Office 365 following a link and loading the pixel, a day after sending, with a browser's agent.
    expect(classifyEvent(click({ ip: '40.107.22.13', at: at(86400) }), [counted('open', 3600)], options)).toEqual({ eventClass: 'scanner', reason: 'known_scanner_range', counted: false });
    expect(classifyEvent(open({ ip: '2a01:111:f403:c201::7' }), [], options).reason).toBe('known_scanner_range');
    expect(classifyEvent(open({ ip: '::ffff:148.163.150.2' }), [], options).reason).toBe('known_scanner_range');
    // Next to them, not in them: a person.
    expect(classifyEvent(open({ ip: '40.109.0.1' }), [], options).eventClass).toBe('human');
  });

  it('security scanners: HEAD requests, every link within a second, a click before any open at delivery', () => {
    expect(classifyEvent(click({ method: 'HEAD' }), [], options)).toMatchObject({ eventClass: 'scanner', reason: 'head_request', counted: false });
    expect(classifyEvent(open({ method: 'HEAD' }), [], options).reason).toBe('head_request');
    const burst = [counted('open', 3000), counted('click', 3600, 'https://example.com/a')];
    expect(classifyEvent(click({ at: new Date(at(3600).getTime() + 300), target: 'https://example.com/b' }), burst, options).reason).toBe('links_clicked_within_a_second');
    // The same link twice (a double click) is not a scanner.
    expect(classifyEvent(click({ at: new Date(at(3600).getTime() + 300), target: 'https://example.com/a' }), burst, options).eventClass).toBe('human');
    expect(classifyEvent(click({ at: at(2) }), [], options)).toMatchObject({ eventClass: 'scanner', reason: 'click_before_open_at_delivery' });
    // A click an hour later with images blocked (no open) is a person.
    expect(classifyEvent(click({ at: at(3600) }), [], options).eventClass).toBe('human');
  });

  it('every reason has a sentence; the ranges file reports a bad line', () => {
    for (const r of EVENT_REASONS) expect(EVENT_REASON_SENTENCES[r].length).toBeGreaterThan(10);
    expect(parseIpRanges('2a01:b740::/32\n# c\n\n10.0.0.0/8,XX').has('2a01:b740::1')).toBe(true);
    expect(() => parseIpRanges('17.0.0.0/8\n17.0.0.0/40', 'x.csv')).toThrow(/Line 2 of x.csv/);
  });
});
