// One inbox: its status with the reason's sentence and the server's words, the status history, the recent
// decisions with their sentences and where each message was, and the reconnect action (admins): a password
// form for an IMAP inbox, the provider's sign-in for Gmail and Office 365.
import type { DecisionRow } from '@reply-sync/db';
import type { InboxDetail } from '@reply-sync/operations';
import { html, type Html, type Renderable } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, sayWith, time } from '../layout';
import { disconnectSentence, reasonSentence } from '../sentences';
import { decisionBadge, statusBadge } from './status-badge';

export interface InboxPageOptions {
  /** The outcome of a reconnect just tried: a sentence (and the server's words) or a success. */
  result?: { ok: true; sentence: string } | { ok: false; sentence: string; detail?: string | undefined };
}

function facts(ctx: ConsoleContext, i: InboxDetail): Html {
  const { say } = ctx;
  const sentence = disconnectSentence(i.reason, ctx.lang, { address: i.address });
  return html`<dl class="facts">
<dt>${say('col_status')}</dt><dd>${statusBadge(ctx, i.status)}<span class="muted">${say('col_since')}</span> ${time(i.statusSince)}</dd>
${sentence ? html`<dt>${say('col_reason')}</dt><dd class="sentence">${sentence}</dd>` : ''}
${i.reasonDetail ? html`<dt>${say('provider_text')}</dt><dd class="detail">${i.reasonDetail}</dd>` : ''}
<dt>${say('col_owner')}</dt><dd>${i.ownerEmail ?? say('team_inbox')}</dd>
<dt>${say('imap_server')}</dt><dd><code>${i.imap.host}:${i.imap.port}</code> (${i.imap.tls}) · ${i.imap.username}</dd>
<dt>${say('col_last_synced')}</dt><dd>${time(i.lastSyncedAt, say('never'))}</dd>
${i.lastError ? html`<dt>${say('col_last_error')}</dt><dd><span class="detail">${i.lastError}</span> <span class="muted">${sayWith(ctx, 'failing_since', { at: time(i.firstErrorAt) })}</span></dd>` : ''}
</dl>`;
}

function history(ctx: ConsoleContext, i: InboxDetail): Html {
  const { say } = ctx;
  return html`<div class="table-wrap" role="region" aria-label="${say('history_title')}" tabindex="0"><table>
<thead><tr><th scope="col">${say('col_when')}</th><th scope="col">${say('col_status')}</th><th scope="col">${say('col_reason')}</th><th scope="col">${say('col_detail')}</th></tr></thead>
<tbody>${i.history.map(
    (h) => html`<tr><td>${time(h.at)}</td><td>${h.reason === 'recovered' ? html`<span class="badge recovered">${h.reason}</span>` : statusBadge(ctx, h.status)}</td>
<td class="sentence">${disconnectSentence(h.reason, ctx.lang, { address: i.address }) ?? ''}</td><td class="detail">${h.detail ?? ''}</td></tr>`,
  )}</tbody></table></div>`;
}

export function decisionsTable(ctx: ConsoleContext, rows: { at: Date; decision: string; reasonCode: string; detail: string | null; from: string | null; subject: string | null; messageId: string | null; where: Renderable }[], label: string): Html {
  const { say } = ctx;
  return html`<div class="table-wrap" role="region" aria-label="${label}" tabindex="0"><table>
<thead><tr><th scope="col">${say('col_when')}</th><th scope="col">${say('col_message')}</th><th scope="col">${say('col_decision')}</th><th scope="col">${say('col_sentence')}</th><th scope="col">${say('col_where')}</th></tr></thead>
<tbody>${rows.map(
    (d) => html`<tr><td>${time(d.at)}</td>
<td>${d.subject ?? ''}<div class="muted">${d.from ?? ''}</div>${d.messageId ? html`<div><a href="/console/explain?messageId=${encodeURIComponent(d.messageId)}"><code>${d.messageId}</code></a></div>` : ''}</td>
<td>${decisionBadge(ctx, d.decision)}<div class="muted"><code>${d.reasonCode}</code></div></td>
<td class="sentence">${reasonSentence(d.reasonCode, ctx.lang)}${d.detail ? html`<div class="detail">${d.detail}</div>` : ''}</td>
<td>${d.where}</td></tr>`,
  )}</tbody></table></div>`;
}

function reconnect(ctx: ConsoleContext, i: InboxDetail, csrfToken: string): Html {
  const { say } = ctx;
  if (i.status === 'removed') return html`<p>${say('removed_no_reconnect')}</p>`;
  if (i.authKind === 'oauth2') {
    const provider = i.provider === 'office365' ? 'office365' : 'gmail';
    return html`<p>${say('reconnect_oauth_help')}</p>
<form method="post" action="/console/oauth/${provider}" class="oauth"><input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="inboxId" value="${i.id}">
<button type="submit">${say(provider === 'gmail' ? 'sign_in_google' : 'sign_in_microsoft')}</button></form>`;
  }
  return html`<form class="stack" method="post" action="/console/inboxes/${i.id}/reconnect">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p class="hint">${say('reconnect_password_help')}</p>
<label>${say('new_password')}<input type="password" name="password" autocomplete="new-password" required></label>
<button type="submit">${say('reconnect')}</button>
</form>`;
}

export function inboxPage(ctx: ConsoleContext, i: InboxDetail, decisions: DecisionRow[], options: InboxPageOptions = {}): Html {
  const { say } = ctx;
  const session = ctx.session!;
  const r = options.result;
  return page(ctx, {
    title: say('inbox_title', { address: i.address }),
    current: 'inboxes',
    body: html`<p><a href="/console/inboxes">← ${say('back_to_inboxes')}</a></p>
${r ? (r.ok ? notice('ok', r.sentence, '') : notice('error', say('not_reconnected'), r.sentence, r.detail ? html`${say('provider_text')}: ${r.detail}` : undefined)) : ''}
<section aria-labelledby="summary-h"><h2 id="summary-h">${say('summary_title')}</h2>${facts(ctx, i)}</section>
${session.user.role === 'admin' ? html`<section aria-labelledby="reconnect-h"><h2 id="reconnect-h">${say('reconnect_title')}</h2>${reconnect(ctx, i, session.csrfToken)}</section>` : ''}
<section aria-labelledby="history-h"><h2 id="history-h">${say('history_title')}</h2>${history(ctx, i)}</section>
<section aria-labelledby="decisions-h"><h2 id="decisions-h">${say('decisions_title')}</h2>
${decisions.length === 0 ? html`<p>${say('no_decisions')}</p>` : decisionsTable(ctx, decisions.map((d) => ({ at: d.createdAt, decision: d.decision, reasonCode: d.reasonCode, detail: d.detail, from: d.fromAddress, subject: d.subject, messageId: d.messageId, where: html`<code>${d.mailbox}</code> <span class="muted">UID ${d.uid}</span>` })), say('decisions_title'))}
</section>`,
  });
}
