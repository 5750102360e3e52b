// Settings: one webhook subscription with its status and its recent delivery attempts (time, event, status,
// the receiver's HTTP status, the error's sentence in the reader's language).
import type { WebhookAttempt, WebhookEndpoint } from '@reply-sync/db';
import { attemptErrorSentence } from '@reply-sync/i18n';
import { ATTEMPT_ERROR_CODES, type AttemptErrorCode } from '@reply-sync/webhooks';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, time } from '../layout';
import { settingsNav } from './settings-nav';
import { webhookStatus } from './webhooks-page';

const isAttemptError = (code: string | null): code is AttemptErrorCode => (ATTEMPT_ERROR_CODES as readonly (string | null)[]).includes(code);

export function webhookPage(ctx: ConsoleContext, w: WebhookEndpoint, attempts: WebhookAttempt[]): Html {
  const { say } = ctx;
  return page(ctx, {
    title: say('webhook_title', { url: w.url }),
    current: 'settings',
    body: html`${settingsNav(ctx, 'webhooks')}
<p><a href="/console/settings/webhooks">${say('back_to_webhooks')}</a></p>
<dl class="facts"><dt>${say('col_status')}</dt><dd>${webhookStatus(ctx, w)}</dd><dt>${say('webhook_events')}</dt><dd>${w.eventTypes.join(', ')}</dd></dl>
<h2 id="deliveries">${say('deliveries_title')}</h2>
${
  attempts.length === 0
    ? html`<p>${say('deliveries_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-labelledby="deliveries" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_when')}</th><th scope="col">${say('col_event')}</th><th scope="col">${say('col_attempt')}</th><th scope="col">${say('col_status')}</th><th scope="col">${say('col_http_status')}</th><th scope="col">${say('col_error')}</th></tr></thead>
<tbody>${attempts.map(
        (a) => html`<tr>
<td data-label="${say('col_when')}">${time(a.at)}</td>
<td data-label="${say('col_event')}"><div><code>${a.eventType}</code><div class="muted">${a.eventId}</div></div></td>
<td data-label="${say('col_attempt')}">${a.attempt}</td>
<td data-label="${say('col_status')}"><span class="badge ${a.status === 'succeeded' ? 'connected' : 'disconnected'}">${say(a.status === 'succeeded' ? 'attempt_succeeded' : 'attempt_failed')}</span></td>
<td data-label="${say('col_http_status')}">${a.responseStatus ?? html`<span class="muted">${say('no_answer')}</span>`}</td>
<td data-label="${say('col_error')}">${a.errorCode ? html`<div>${isAttemptError(a.errorCode) ? attemptErrorSentence(a.errorCode, ctx.lang) : a.errorCode}${a.error ? html`<div class="detail">${a.error}</div>` : ''}</div>` : ''}</td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
