// The timeline of a contact (admins): threads newest first, each email with its direction, source,
// attachments (to download) or "dropped: over the 50 MB limit", a tracked send's opens and clicks, and a link to its body.
import type { Timeline, TimelineItem } from '@reply-sync/operations';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, time } from '../layout';

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

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);

export function timelinePage(ctx: ConsoleContext, contact: string, timeline: Timeline | null, error?: string): Html {
  const { say } = ctx;
  const threads = timeline ? groupByThread(timeline.entries) : [];
  return page(ctx, {
    title: timeline ? say('timeline_of', { label: timeline.target.label }) : say('nav_timeline'),
    current: 'timeline',
    body: html`<form class="filters" method="get" action="/console/timeline" role="search">
  <label>${say('contact_email')}<input type="email" name="contact" required value="${contact}"></label>
  <button type="submit" class="secondary">${say('show')}</button>
</form>
${error ? html`<div class="notice error" role="alert"><p>${error}</p></div>` : ''}
${timeline && threads.length === 0 ? html`<p>${say('no_entries')}</p>` : ''}
${threads.map(
  (t, n) => html`<section class="thread" aria-labelledby="thread-${n}"><h2 id="thread-${n}">${t.emails[t.emails.length - 1]!.subject}</h2>
<ol class="entries">${t.emails.map(
    (e) => html`<li><p><span class="badge ${e.direction === 'inbound' ? 'logged' : 'removed'}">${say(e.direction === 'inbound' ? 'direction_inbound' : 'direction_outbound')}</span> ${time(e.at)} · ${e.from.name ? `${e.from.name} <${e.from.address}>` : e.from.address} <span class="muted">(${e.source})</span></p>
<p><a href="/console/emails/${e.id}">${e.subject || say('no_subject')}</a></p>
${e.attachments.length > 0 ? html`<ul class="attachments">${e.attachments.map((a) => html`<li>${a.filename ?? a.contentType} <span class="muted">(${size(a.size)})</span></li>`)}</ul>` : ''}
${e.attachmentsSkippedReason ? html`<p class="muted">${say('attachments_dropped')}</p>` : ''}
${e.tracking ? html`<p class="muted">${e.tracking.lastOpenedAt ? say('opened_times', { count: e.tracking.opens, at: utc(e.tracking.lastOpenedAt) }) : say('not_opened')}${e.tracking.lastClickedAt ? ` · ${say('clicked_times', { count: e.tracking.clicks, at: utc(e.tracking.lastClickedAt) })}` : ''}</p>` : ''}</li>`,
  )}</ol></section>`,
)}`,
  });
}
