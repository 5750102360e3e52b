// Settings: tracking. The account's GDPR and clicks-by-seat switches, and the do-not-track list (addresses,
// and domains with their subdomains, never tracked): its entries, a form to add one, a remove button each.
import type { DoNotTrackRow } from '@reply-sync/db';
import type { TrackingSettings } from '@reply-sync/operations';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, time } from '../layout';
import { settingsNav } from './settings-nav';

export interface TrackingPageOptions {
  result?: { ok: boolean; sentence: string } | undefined;
  value?: string;
}

export function trackingPage(ctx: ConsoleContext, settings: TrackingSettings, entries: DoNotTrackRow[], options: TrackingPageOptions = {}): Html {
  const { say } = ctx;
  const csrf = ctx.session!.csrfToken;
  const shown = (e: DoNotTrackRow) => (e.kind === 'domain' ? `@${e.value}` : e.value);
  return page(ctx, {
    title: say('settings_tracking'),
    current: 'settings',
    body: html`${settingsNav(ctx, 'tracking')}
<p class="muted">${say('tracking_help')}</p>
${options.result ? notice(options.result.ok ? 'ok' : 'error', options.result.ok ? say('done') : say('not_saved'), options.result.sentence) : ''}
<form method="post" action="/console/settings/tracking">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label class="inline"><input type="checkbox" name="gdpr" value="1"${settings.gdpr ? html` checked` : ''}><span>${say('tracking_gdpr')}</span></label>
  <label class="inline"><input type="checkbox" name="clicks_seats_only" value="1"${settings.clickTrackingSeatsOnly ? html` checked` : ''}><span>${say('tracking_clicks_seats_only')}</span></label>
  <button type="submit">${say('tracking_save')}</button>
</form>
<h2>${say('do_not_track_title')}</h2>
<form class="filters" method="post" action="/console/settings/tracking/do-not-track">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${say('never_log_value')}<input type="text" name="value" required maxlength="320" value="${options.value ?? ''}" autocomplete="off"></label>
  <button type="submit">${say('do_not_track_add')}</button>
</form>
${
  entries.length === 0
    ? html`<p>${say('do_not_track_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('do_not_track_title')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_entry')}</th><th scope="col">${say('col_kind')}</th><th scope="col">${say('col_created')}</th><th scope="col"><span class="visually-hidden">${say('col_actions')}</span></th></tr></thead>
<tbody>${entries.map(
        (e) => html`<tr>
<td data-label="${say('col_entry')}">${shown(e)}</td>
<td data-label="${say('col_kind')}">${say(e.kind === 'domain' ? 'kind_domain' : 'kind_address')}</td>
<td data-label="${say('col_created')}">${time(e.createdAt)}</td>
<td data-label="${say('col_actions')}"><form method="post" action="/console/settings/tracking/do-not-track/${e.id}/remove"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary" aria-label="${say('remove_named', { name: shown(e) })}">${say('remove')}</button></form></td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
