// The account's inboxes: status, the reason's sentence, since when, last synced, the current error and the
// server's own words; filtered by "disconnected only" and provider (htmx swaps the table, the form works without it).
import type { InboxListEntry } from '@reply-sync/operations';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, sayWith, time } from '../layout';
import { disconnectSentence } from '../sentences';
import { statusBadge } from './status-badge';

export const PROVIDERS = ['imap', 'gmail', 'office365'] as const;
export type ProviderFilter = (typeof PROVIDERS)[number];

export interface InboxFilters {
  disconnectedOnly: boolean;
  provider: ProviderFilter | null;
}

export function filterInboxes(all: InboxListEntry[], f: InboxFilters): InboxListEntry[] {
  return all.filter((i) => (!f.disconnectedOnly || i.status === 'disconnected') && (!f.provider || i.provider === f.provider));
}

const providerKey = { imap: 'provider_imap', gmail: 'provider_gmail', office365: 'provider_office365' } as const;

function row(ctx: ConsoleContext, i: InboxListEntry): Html {
  const { say } = ctx;
  const sentence = disconnectSentence(i.reason, ctx.lang, { address: i.address });
  return html`<tr>
<td data-label="${say('col_inbox')}"><div><a href="/console/inboxes/${i.id}">${i.address}</a><div class="muted">${say(providerKey[i.provider])}</div></div></td>
<td data-label="${say('col_owner')}">${i.ownerEmail ?? html`<span class="muted">${say('team_inbox')}</span>`}</td>
<td data-label="${say('col_status')}">${statusBadge(ctx, i.status)}</td>
<td class="sentence" data-label="${say('col_reason')}">${sentence || i.reasonDetail ? html`<div>${sentence ?? ''}${i.reasonDetail ? html`<div class="detail"><span class="muted">${say('provider_text')}:</span> ${i.reasonDetail}</div>` : ''}</div>` : ''}</td>
<td data-label="${say('col_since')}">${time(i.statusSince)}</td>
<td data-label="${say('col_last_synced')}">${time(i.lastSyncedAt, say('never'))}</td>
<td data-label="${say('col_last_error')}">${i.lastError ? html`<div><div class="detail">${i.lastError}</div><div class="muted">${sayWith(ctx, 'failing_since', { at: time(i.firstErrorAt) })}</div></div>` : i.lastRecovery ? html`<span class="muted">${sayWith(ctx, 'recovered_at', { at: time(i.lastRecovery.recoveredAt) })}</span>` : ''}</td>
</tr>`;
}

export function inboxesTable(ctx: ConsoleContext, shown: InboxListEntry[], total: number): Html {
  const { say } = ctx;
  return html`<div id="inbox-table">
<p class="muted" aria-live="polite">${say('inbox_count', { shown: shown.length, total })}</p>
${
  shown.length === 0
    ? html`<p>${say('no_inboxes')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('inboxes_title')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_inbox')}</th><th scope="col">${say('col_owner')}</th><th scope="col">${say('col_status')}</th><th scope="col">${say('col_reason')}</th><th scope="col">${say('col_since')}</th><th scope="col">${say('col_last_synced')}</th><th scope="col">${say('col_last_error')}</th></tr></thead>
<tbody>${shown.map((i) => row(ctx, i))}</tbody></table></div>`
}
</div>`;
}

export function inboxesPage(ctx: ConsoleContext, all: InboxListEntry[], filters: InboxFilters): Html {
  const { say } = ctx;
  const shown = filterInboxes(all, filters);
  return page(ctx, {
    title: say('inboxes_title'),
    current: 'inboxes',
    body: html`<form class="filters" method="get" action="/console/inboxes" role="search" aria-label="${say('filters')}"
  hx-get="/console/inboxes" hx-trigger="change" hx-target="#inbox-table" hx-select="#inbox-table" hx-swap="outerHTML" hx-push-url="true">
  <label class="inline"><input type="checkbox" name="disconnected" value="1"${filters.disconnectedOnly ? html` checked` : ''}> ${say('filter_disconnected')}</label>
  <label>${say('filter_provider')}<select name="provider">
    <option value="">${say('provider_all')}</option>
    ${PROVIDERS.map((p) => html`<option value="${p}"${filters.provider === p ? html` selected` : ''}>${say(providerKey[p])}</option>`)}
  </select></label>
  <button type="submit" class="secondary">${say('apply_filters')}</button>
</form>
${inboxesTable(ctx, shown, all.length)}`,
  });
}
