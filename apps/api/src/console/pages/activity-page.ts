// Activity (admins): the tracked sends newest first as Sent / Opened / Clicked with the times of a
// person's opens and clicks, the likely automated events apart with their reason, and a live list fed
// by the console's event stream (assets/activity.js), with a browser notification when the user allows it.
import type { ActivitySend } from '@reply-sync/db';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, time } from '../layout';
import { trackingReasonSentence } from '../sentences';

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function summary(ctx: ConsoleContext, s: ActivitySend): Html {
  const { say } = ctx;
  const opened = s.opens[0] ? say('opened_times', { count: s.openCount, at: utc(s.opens[0].at) }) : say('not_opened');
  const clicked = s.clicks[0] ? html`<br>${say('clicked_times', { count: s.clickCount, at: utc(s.clicks[0].at) })}` : '';
  return html`${opened}${clicked}`;
}

export function activityPage(ctx: ConsoleContext, sends: ActivitySend[]): Html {
  const { say, lang } = ctx;
  return page(ctx, {
    title: say('activity_title'),
    current: 'activity',
    head: html`<script src="/console/assets/activity.js" defer></script>`,
    body: html`<p class="muted">${say('activity_help')}</p>
<section aria-labelledby="live-heading"><h2 id="live-heading">${say('live_heading')}</h2>
<p class="muted" id="live-status">${say('live_waiting')}</p>
<p><button type="button" class="secondary" id="notify" hidden>${say('notify_button')}</button></p>
<ul id="live" aria-live="polite" data-opened="${say('live_opened')}" data-clicked="${say('live_clicked')}" data-someone="${say('someone')}" data-notify-on="${say('notify_on')}" data-notify-blocked="${say('notify_blocked')}"></ul>
</section>
${
  sends.length === 0
    ? html`<p>${say('activity_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('activity_title')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_subject')}</th><th scope="col">${say('col_to')}</th><th scope="col">${say('col_sent')}</th><th scope="col">${say('col_state')}</th><th scope="col">${say('likely_automated')}</th></tr></thead>
<tbody>${sends.map(
        (s) => html`<tr>
<td data-label="${say('col_subject')}">${s.emailId ? html`<a href="/console/emails/${s.emailId}">${s.subject || say('no_subject')}</a>` : s.subject || say('no_subject')}</td>
<td data-label="${say('col_to')}">${s.to.join(', ')}</td>
<td data-label="${say('col_sent')}">${time(s.sentAt)}</td>
<td data-label="${say('col_state')}"><span class="badge ${s.state === 'sent' ? 'removed' : 'logged'}">${say(s.state === 'sent' ? 'state_sent' : s.state === 'opened' ? 'state_opened' : 'state_clicked')}</span><br>${summary(ctx, s)}</td>
<td data-label="${say('likely_automated')}">${
          s.automated.length === 0
            ? ''
            : html`<ul>${s.automated.map((e) => html`<li>${time(e.at)}: ${trackingReasonSentence(e.reason, lang)}</li>`)}</ul>`
        }</td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
