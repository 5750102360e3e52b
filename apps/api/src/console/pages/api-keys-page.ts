// Settings: the account's API keys (prefix, scopes, created, last used, revoked), a form to create one with
// its scopes, the new key shown on the answer page only (it exists nowhere else: the database keeps a hash),
// and a revoke button per live key.
import type { Scoped } from '@reply-sync/db';
import { API_KEY_SCOPES } from '@reply-sync/db/api-key-scopes';
import { apiKeyScopeSentence } from '@reply-sync/i18n';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page, time } from '../layout';
import { settingsNav } from './settings-nav';

type ApiKeyInfo = Awaited<ReturnType<Scoped['apiKeys']['list']>>[number];

export interface ApiKeysPageOptions {
  result?: { ok: boolean; sentence: string } | undefined;
  /** The key just created: shown on this answer only. */
  created?: { key: string; prefix: string } | undefined;
}

export function apiKeysPage(ctx: ConsoleContext, keys: ApiKeyInfo[], options: ApiKeysPageOptions = {}): Html {
  const { say } = ctx;
  const csrf = ctx.session!.csrfToken;
  return page(ctx, {
    title: say('settings_api_keys'),
    current: 'settings',
    body: html`${settingsNav(ctx, 'api-keys')}
${options.created ? html`<div class="notice ok" role="status"><p><strong>${say('api_key_created')}</strong></p><p class="sentence">${say('shown_once')}</p><p><code data-testid="new-secret">${options.created.key}</code></p></div>` : ''}
${options.result ? notice(options.result.ok ? 'ok' : 'error', options.result.ok ? say('done') : say('not_saved'), options.result.sentence) : ''}
<form class="stack" method="post" action="/console/settings/api-keys">
  <input type="hidden" name="_csrf" value="${csrf}">
  <fieldset><legend>${say('api_key_scopes')}</legend>
  ${API_KEY_SCOPES.map((s) => html`<label class="inline"><input type="checkbox" name="scope_${s}" value="1"><span><strong>${s}</strong>: ${apiKeyScopeSentence(s, ctx.lang)}</span></label>`)}
  </fieldset>
  <label>${say('api_key_name')}<input type="text" name="name" maxlength="100" autocomplete="off"></label>
  <button type="submit">${say('api_key_create')}</button>
</form>
${
  keys.length === 0
    ? html`<p>${say('api_keys_empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-label="${say('settings_api_keys')}" tabindex="0"><table class="cards">
<thead><tr><th scope="col">${say('col_prefix')}</th><th scope="col">${say('api_key_name')}</th><th scope="col">${say('api_key_scopes')}</th><th scope="col">${say('col_created')}</th><th scope="col">${say('col_last_used')}</th><th scope="col">${say('col_revoked')}</th><th scope="col"><span class="visually-hidden">${say('col_actions')}</span></th></tr></thead>
<tbody>${keys.map(
        (k) => html`<tr>
<td data-label="${say('col_prefix')}"><code>${k.prefix}</code></td>
<td data-label="${say('api_key_name')}">${k.name ?? ''}</td>
<td data-label="${say('api_key_scopes')}">${k.scopes.join(', ')}</td>
<td data-label="${say('col_created')}">${time(k.createdAt)}</td>
<td data-label="${say('col_last_used')}">${time(k.lastUsedAt, say('never'))}</td>
<td data-label="${say('col_revoked')}">${k.revokedAt ? time(k.revokedAt) : html`<span class="muted">${say('not_revoked')}</span>`}</td>
<td data-label="${say('col_actions')}">${k.revokedAt ? '' : html`<form method="post" action="/console/settings/api-keys/${k.id}/revoke"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary" aria-label="${say('revoke_named', { name: k.prefix })}">${say('revoke')}</button></form>`}</td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
