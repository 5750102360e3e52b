// Explain: paste a Message-ID and see every decision recorded for it in this account, each with its
// sentence, detail and where the message was (inbox, folder, UID), and whether it is on the timeline.
import type { Explanation } from '@reply-sync/operations';
import type { LookResult } from '@reply-sync/operations/look-for-message';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, sayWith, time } from '../layout';
import { decisionsTable } from './inbox-page';

export function explainPage(ctx: ConsoleContext, messageId: string, result: Explanation | null, error?: string, looked?: LookResult & { deadlineSeconds: number }): Html {
  const { say } = ctx;
  const body = !result
    ? ''
    : html`<section aria-labelledby="result-h"><h2 id="result-h">${say('decisions_for', { messageId: result.messageId })}</h2>
<p>${result.loggedEmail ? sayWith(ctx, 'on_timeline', { subject: result.loggedEmail.subject, at: time(result.loggedEmail.at) }) : say('not_on_timeline')}</p>
${
  result.decisions.length === 0
    ? html`<p>${say('no_decision', { messageId: result.messageId })}</p>`
    : decisionsTable(
        ctx,
        result.decisions.map((d) => ({
          at: d.at,
          decision: d.decision,
          reasonCode: d.reasonCode,
          detail: d.detail,
          from: d.from,
          subject: d.subject,
          messageId: null,
          where: html`<a href="/console/inboxes/${d.inbox.id}">${d.inbox.address}</a><div><code>${d.mailbox}</code> <span class="muted">UID ${d.uid}</span></div>`,
        })),
        say('decisions_for', { messageId: result.messageId }),
      )
}
${looked ? html`<div class="notice ok" role="status"><p>${say('look_searched', { inboxes: looked.inboxesSearched.length, found: looked.found.length })}</p>${looked.problems.map((p) => html`<p class="detail">${p.inbox.address}: ${p.problem}</p>`)}</div>` : ''}
${looked?.deadlineReached ? notice('error', say('look_not_in_time_title'), say('look_not_in_time', { inboxes: looked.notSearched.map((i) => i.address).join(', '), seconds: looked.deadlineSeconds })) : ''}
<h3>${say('look_title')}</h3>
<form method="post" action="/console/explain/look" class="stack">
  <input type="hidden" name="_csrf" value="${ctx.session!.csrfToken}"><input type="hidden" name="messageId" value="${result.messageId}">
  <p class="hint">${say('look_help')}</p>
  <button type="submit" class="secondary">${say('look_button')}</button>
</form></section>`;
  return page(ctx, {
    title: say('explain_title'),
    current: 'explain',
    body: html`${error ? notice('error', say('explain_title'), error) : ''}
<form class="stack" method="get" action="/console/explain" role="search">
  <label>${say('message_id')}<input type="search" name="messageId" required value="${messageId}" autocomplete="off" aria-describedby="mid-help"></label>
  <p class="hint" id="mid-help">${say('message_id_help')}</p>
  <button type="submit">${say('explain')}</button>
</form>
${body}`,
  });
}
