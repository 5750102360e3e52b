// The timeline of a contact, company or deal (admins; a contact's links to its companies' and deals'): threads newest first, each email with its direction, source,
// attachments (each a download link) or "dropped: over the 50 MB limit", a tracked send's opens and clicks, and a link to its body.
import type { Timeline, TimelineItem } from '@reply-sync/operations';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, time } from '../layout';
import type { StringKey } from '../strings';

/** The entries by thread, the thread with the newest email first, each thread's emails newest first. */
function groupByThread(entries: TimelineItem[]): { threadId: string; emails: TimelineItem[] }[] {
  const threads = new Map<string, { threadId: string; emails: TimelineItem[] }>();
  for (const e of [...entries].sort((a, b) => b.at.getTime() - a.at.getTime())) {
    const t = threads.get(e.threadId) ?? { threadId: e.threadId, emails: [] };
    t.emails.push(e);
    threads.set(e.threadId, t);
  }
  return [...threads.values()];
}

/** Where an email came from, in the reader's words. */
const SOURCE_LABELS: Record<TimelineItem['source'], StringKey> = {
  crm_send: 'source_crm_send',
  log: 'source_log',
  bcc: 'source_bcc',
  forward: 'source_forward',
  reply_sync: 'source_reply_sync',
};

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);

export interface TimelineAssociations {
  companies: { id: string; name: string }[];
  deals: { id: string; name: string; status: string }[];
}

function associationsOf(ctx: ConsoleContext, a: TimelineAssociations): Html {
  const { say } = ctx;
  if (a.companies.length === 0 && a.deals.length === 0) return html``;
  return html`<nav class="associations" aria-label="${say('associations')}"><dl class="facts">
${a.companies.length > 0 ? html`<dt>${say('associated_companies')}</dt><dd><ul class="inline">${a.companies.map((c) => html`<li><a href="/console/timeline?company=${c.id}">${c.name}</a></li>`)}</ul></dd>` : ''}
${a.deals.length > 0 ? html`<dt>${say('associated_deals')}</dt><dd><ul class="inline">${a.deals.map((d) => html`<li><a href="/console/timeline?deal=${d.id}">${d.name}</a> <span class="muted">(${say(d.status === 'closed' ? 'deal_closed' : 'deal_open')})</span></li>`)}</ul></dd>` : ''}
</dl></nav>`;
}

export function timelinePage(ctx: ConsoleContext, contact: string, timeline: Timeline | null, error?: string, associations?: TimelineAssociations): Html {
  const { say } = ctx;
  const threads = timeline ? groupByThread(timeline.entries) : [];
  const kind = timeline && timeline.target.kind !== 'contact' ? html`<p class="muted">${say(timeline.target.kind === 'company' ? 'timeline_kind_company' : 'timeline_kind_deal')}</p>` : '';
  return page(ctx, {
    title: timeline ? say('timeline_of', { label: timeline.target.label }) : say('nav_timeline'),
    current: 'timeline',
    body: html`<form class="filters" method="get" action="/console/timeline" role="search">
  <label>${say('contact_email')}<input type="email" name="contact" required value="${contact}"></label>
  <button type="submit" class="secondary">${say('show')}</button>
</form>
${error ? html`<div class="notice error" role="alert"><p>${error}</p></div>` : ''}
${kind}${associations ? associationsOf(ctx, associations) : ''}
${timeline && threads.length === 0 ? html`<p>${say('no_entries')}</p>` : ''}
${threads.map(
  (t, n) => html`<section class="thread" aria-labelledby="thread-${n}"><h2 id="thread-${n}">${t.emails[t.emails.length - 1]!.subject}</h2>
<ol class="entries">${t.emails.map(
    (e) => html`<li><p><span class="badge ${e.direction === 'inbound' ? 'logged' : 'removed'}">${say(e.direction === 'inbound' ? 'direction_inbound' : 'direction_outbound')}</span> ${time(e.at)} · ${e.from.name ? `${e.from.name} <${e.from.address}>` : e.from.address} <span class="muted">(${say(SOURCE_LABELS[e.source])})</span></p>
<p><a href="/console/emails/${e.id}">${e.subject || say('no_subject')}</a></p>
${e.attachments.length > 0 ? html`<ul class="attachments" aria-label="${say('attachments')}">${e.attachments.map((a) => html`<li><a href="/console/emails/${e.id}/attachments/${a.id}" download>${a.filename ?? a.contentType}</a> <span class="muted">(${size(a.size)})</span></li>`)}</ul>` : ''}
${e.attachmentsSkippedReason ? html`<p class="muted">${say('attachments_dropped')}</p>` : ''}
${e.tracking ? html`<p class="muted">${e.tracking.lastOpenedAt ? say('opened_times', { count: e.tracking.opens, at: utc(e.tracking.lastOpenedAt) }) : say('not_opened')}${e.tracking.lastClickedAt ? ` · ${say('clicked_times', { count: e.tracking.clicks, at: utc(e.tracking.lastClickedAt) })}` : ''}</p>` : ''}</li>`,
  )}</ol></section>`,
)}`,
  });
}
