import { describe, expect, it } from 'vitest';
import { ANONYMOUS_RECIPIENT, planTracking, tokenRecipient, TRACKING_PLAN_REASONS, TRACKING_PLAN_SENTENCES, type PlanTrackingInput, type TrackingRecipientFacts } from '../src/index';

const contact = (address: string, over: Partial<TrackingRecipientFacts> = {}): TrackingRecipientFacts => ({
  address,
  isContact: true,
  trackingBasis: 'consent',
  neverLogged: false,
  doNotTrack: false,
  ...over,
});
const base = (over: Partial<PlanTrackingInput> = {}): PlanTrackingInput => ({
  track: true,
  settings: { gdpr: false, clickTrackingSeatsOnly: false },
  sender: { paidSeat: false },
  recipients: [contact('ana@example.test')],
  ...over,
});

describe('planTracking', () => {
  it('tracks one contact by name, opens and clicks', () => {
    const plan = planTracking(base({ recipients: [contact('Ana@Example.TEST')] }));
    expect(plan).toEqual({
      pixel: 'personal',
      clicks: true,
      recipients: [{ address: 'ana@example.test', tracking: 'personal', reason: 'tracked_personal' }],
      reasons: ['tracked_personal'],
    });
    expect(tokenRecipient(plan)).toBe('ana@example.test');
  });

  it('tracks nothing when not requested or not configured', () => {
    expect(planTracking(base({ track: false }))).toMatchObject({ pixel: 'none', clicks: false, reasons: ['not_tracked_not_requested'], recipients: [{ tracking: 'none', reason: 'not_tracked_not_requested' }] });
    expect(planTracking(base({ configured: false }))).toMatchObject({ pixel: 'none', clicks: false, reasons: ['tracking_not_configured'] });
    expect(planTracking(base({ recipients: [] }))).toMatchObject({ pixel: 'none', reasons: ['not_tracked_no_recipients'] });
    expect(planTracking(base({ hasHtml: false }))).toMatchObject({ pixel: 'none', clicks: false, reasons: ['not_tracked_no_html'] });
  });

  it('several recipients (To + Cc) share one pixel, so everyone is anonymous', () => {
    const plan = planTracking(base({ recipients: [contact('ana@example.test'), contact('bob@example.test')] }));
    expect(plan.pixel).toBe('anonymous');
    expect(plan.clicks).toBe(true);
    expect(plan.recipients.map((r) => [r.address, r.tracking, r.reason])).toEqual([
      ['ana@example.test', 'anonymous', 'anonymous_several_recipients'],
      ['bob@example.test', 'anonymous', 'anonymous_several_recipients'],
    ]);
    expect(tokenRecipient(plan)).toBe(ANONYMOUS_RECIPIENT);
  });

  it('the same address in To and Cc is one recipient', () => {
    expect(planTracking(base({ recipients: [contact('ana@example.test'), contact('ANA@example.test')] })).pixel).toBe('personal');
  });

  it('a do-not-track or never-log recipient gets no pixel, and so nobody on the message does', () => {
    const plan = planTracking(base({ recipients: [contact('ana@example.test'), contact('bob@example.test', { doNotTrack: true })] }));
    expect(plan).toMatchObject({ pixel: 'none', clicks: false, reasons: ['not_tracked_do_not_track'] });
    expect(plan.recipients.map((r) => r.reason)).toEqual(['not_tracked_other_recipient', 'not_tracked_do_not_track']);
    expect(tokenRecipient(plan)).toBeNull();
    const neverLog = planTracking(base({ recipients: [contact('ana@example.test', { neverLogged: true, doNotTrack: true })] }));
    expect(neverLog).toMatchObject({ pixel: 'none', clicks: false, reasons: ['not_tracked_never_log'] });
  });

  it('under GDPR a contact without a tracking basis is anonymous; with one (either basis) by name; without GDPR the basis does not matter', () => {
    const gdpr = { gdpr: true, clickTrackingSeatsOnly: false };
    expect(planTracking(base({ settings: gdpr, recipients: [contact('ana@example.test', { trackingBasis: null })] }))).toMatchObject({ pixel: 'anonymous', reasons: ['anonymous_no_tracking_basis'] });
    expect(planTracking(base({ settings: gdpr, recipients: [contact('ana@example.test', { trackingBasis: 'legitimate_interest' })] })).pixel).toBe('personal');
    expect(planTracking(base({ recipients: [contact('ana@example.test', { trackingBasis: null })] })).pixel).toBe('personal');
  });

  it('a recipient who is not a contact is never tracked by name', () => {
    const plan = planTracking(base({ recipients: [contact('stranger@example.test', { isContact: false })] }));
    expect(plan).toMatchObject({ pixel: 'anonymous', reasons: ['anonymous_not_a_contact'], recipients: [{ tracking: 'anonymous' }] });
  });

  it('clicks are tracked only for paid seats when the account says so (opens still are)', () => {
    const seatsOnly = { gdpr: false, clickTrackingSeatsOnly: true };
    expect(planTracking(base({ settings: seatsOnly }))).toMatchObject({ pixel: 'personal', clicks: false, reasons: ['tracked_personal', 'clicks_need_paid_seat'] });
    expect(planTracking(base({ settings: seatsOnly, sender: { paidSeat: true } }))).toMatchObject({ pixel: 'personal', clicks: true, reasons: ['tracked_personal'] });
  });

  it('every reason has a sentence', () => {
    for (const reason of TRACKING_PLAN_REASONS) expect(TRACKING_PLAN_SENTENCES[reason]).toMatch(/\.$/);
    expect(Object.keys(TRACKING_PLAN_SENTENCES).sort()).toEqual([...TRACKING_PLAN_REASONS].sort());
  });
});
