// Settings: the never-log list (addresses, and domains with their subdomains, whose mail is never logged):
// the entries, a form to add one, and a remove button each.
import type { NeverLogRow } from '@reply-sync/db';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, time } from '../layout';
import { settingsNav } from './settings-nav';

export interface NeverLogPageOptions {
  result?: { ok: boolean; sentence: string } | undefined;
  value?: string;
}

export function neverLogPage(ctx: ConsoleContext, entries: NeverLogRow[], options: NeverLogPageOptions = {}): Html {
  const { say } = ctx;
  const csrf = ctx.session!.csrfToken;
  return page(ctx, {
    title: say('settings_never_log'),
    current: 'settings',
    body: html`${settingsNav(ctx, 'never-log')}
<p class="muted">${say('never_log_help')}</p>
${options.result ? notice(options.result.ok ? 'ok' : 'error', options.result.ok ? say('done') : say('not_saved'), options.result.sentence) : ''}
<form class="filters" method="post" action="/console/settings/never-log">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${say('never_log_value')}<input type="text" name="value" required maxlength="320" value="${options.value ?? ''}" autocomplete="off"></label>
  <button type="submit">${say('never_log_add')}</button>
</form>
${
  entries.length === 0
    ? html`<p>${say('never_log_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('settings_never_log')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_entry')}</th><th scope="col">${say('col_kind')}</th><th scope="col">${say('col_created')}</th><th scope="col"><span class="visually-hidden">${say('col_actions')}</span></th></tr></thead>
<tbody>${entries.map(
        (e) => html`<tr>
<td data-label="${say('col_entry')}">${e.kind === 'domain' ? `@${e.value}` : e.value}</td>
<td data-label="${say('col_kind')}">${say(e.kind === 'domain' ? 'kind_domain' : 'kind_address')}</td>
<td data-label="${say('col_created')}">${time(e.createdAt)}</td>
<td data-label="${say('col_actions')}"><form method="post" action="/console/settings/never-log/${e.id}/remove"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary" aria-label="${say('remove_named', { name: e.kind === 'domain' ? `@${e.value}` : e.value })}">${say('remove')}</button></form></td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
