// Settings: webhook subscriptions (URL, event types, enabled or disabled with the reason), a form to add one
// (the signing secret shown on the answer page only), enable and remove buttons, and a link to each one's
// recent deliveries.
import type { WebhookEndpoint } from '@reply-sync/db';
import { webhookEventSentence } from '@reply-sync/i18n';
import { WEBHOOK_EVENT_TYPES } from '@reply-sync/webhooks';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, sayWith, time } from '../layout';
import { settingsNav } from './settings-nav';

export interface WebhooksPageOptions {
  result?: { ok: boolean; sentence: string } | undefined;
  /** The subscription just added with its secret: shown on this answer only. */
  created?: { url: string; secret: string } | undefined;
  url?: string;
}

export function webhookStatus(ctx: ConsoleContext, w: WebhookEndpoint): Html {
  const { say } = ctx;
  if (w.enabled) return html`<span class="badge connected">${say('webhook_enabled')}</span>${w.failingSince ? html`<div class="muted">${sayWith(ctx, 'failing_since', { at: time(w.failingSince) })}</div>` : ''}`;
  return html`<span class="badge disconnected">${say('webhook_disabled')}</span><div class="detail">${sayWith(ctx, 'disabled_at', { at: time(w.disabledAt) })}${w.disabledReason ? html`: ${w.disabledReason}` : ''}</div>`;
}

export function webhooksPage(ctx: ConsoleContext, endpoints: WebhookEndpoint[], options: WebhooksPageOptions = {}): Html {
  const { say } = ctx;
  const csrf = ctx.session!.csrfToken;
  return page(ctx, {
    title: say('settings_webhooks'),
    current: 'settings',
    body: html`${settingsNav(ctx, 'webhooks')}
${options.created ? html`<div class="notice ok" role="status"><p><strong>${say('webhook_added', { url: options.created.url })}</strong></p><p class="sentence">${say('secret_shown_once')}</p><p><code data-testid="new-secret">${options.created.secret}</code></p></div>` : ''}
${options.result ? notice(options.result.ok ? 'ok' : 'error', options.result.ok ? say('done') : say('not_saved'), options.result.sentence) : ''}
<form class="stack" method="post" action="/console/settings/webhooks">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${say('webhook_url')}<input type="url" name="url" required maxlength="2048" value="${options.url ?? ''}" autocomplete="off"></label>
  <fieldset><legend>${say('webhook_events')}</legend>
  ${WEBHOOK_EVENT_TYPES.map((t) => html`<label class="inline"><input type="checkbox" name="event_${t}" value="1"><span><code>${t}</code>: ${webhookEventSentence(t, ctx.lang)}</span></label>`)}
  </fieldset>
  <button type="submit">${say('webhook_add')}</button>
</form>
${
  endpoints.length === 0
    ? html`<p>${say('webhooks_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('settings_webhooks')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('webhook_url')}</th><th scope="col">${say('webhook_events')}</th><th scope="col">${say('col_status')}</th><th scope="col">${say('col_created')}</th><th scope="col"><span class="visually-hidden">${say('col_actions')}</span></th></tr></thead>
<tbody>${endpoints.map(
        (w) => html`<tr>
<td data-label="${say('webhook_url')}"><a href="/console/settings/webhooks/${w.id}">${w.url}</a></td>
<td data-label="${say('webhook_events')}">${w.eventTypes.join(', ')}</td>
<td data-label="${say('col_status')}">${webhookStatus(ctx, w)}</td>
<td data-label="${say('col_created')}">${time(w.createdAt)}</td>
<td data-label="${say('col_actions')}"><div>${w.enabled ? '' : html`<form method="post" action="/console/settings/webhooks/${w.id}/enable"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${say('enable')}</button></form>`}<form method="post" action="/console/settings/webhooks/${w.id}/remove"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary" aria-label="${say('remove_named', { name: w.url })}">${say('remove')}</button></form></div></td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
