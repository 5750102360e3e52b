// Connecting an inbox (admins): the IMAP/SMTP form, whose answer is the server's answer as our sentence
// (wrong password, POP3 settings, TLS certificate, unreachable host) with the server's own words, and the
// provider sign-in buttons for Gmail and Office 365. A failed attempt shows the form again, filled in but
// for the password, and has saved nothing.
import type { User } from '@reply-sync/db';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page } from '../layout';

export interface ConnectForm {
  owner: string;
  address: string;
  imapHost: string;
  imapPort: string;
  imapTls: string;
  username: string;
  smtpHost: string;
  smtpPort: string;
  smtpTls: string;
}

export const EMPTY_CONNECT_FORM: ConnectForm = { owner: '', address: '', imapHost: '', imapPort: '993', imapTls: 'tls', username: '', smtpHost: '', smtpPort: '587', smtpTls: 'starttls' };

const TLS = ['tls', 'starttls', 'none'] as const;

function tlsSelect(ctx: ConsoleContext, name: string, value: string): Html {
  const label = { tls: ctx.say('tls_tls'), starttls: ctx.say('tls_starttls'), none: ctx.say('tls_none') };
  return html`<select name="${name}">${TLS.map((t) => html`<option value="${t}"${t === value ? html` selected` : ''}>${label[t]}</option>`)}</select>`;
}

export function connectPage(ctx: ConsoleContext, users: User[], form: ConnectForm, failure?: { sentence: string; detail?: string | undefined; code: string }): Html {
  const { say } = ctx;
  const csrf = ctx.session!.csrfToken;
  return page(ctx, {
    title: say('connect_title'),
    current: 'connect',
    body: html`${failure ? notice('error', say('connect_failed'), failure.sentence, failure.detail ? html`${say('provider_text')}: ${failure.detail}` : undefined) : ''}
<p>${say('connect_help')}</p>
<form class="stack" method="post" action="/console/connect" id="connect-form">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${say('owner')}<select name="owner" required>
    ${users.map((u) => html`<option value="${u.email}"${form.owner === u.email ? html` selected` : ''}>${u.name ? `${u.name} <${u.email}>` : u.email}</option>`)}
    <option value=""${form.owner === '' && users.length === 0 ? html` selected` : ''}>${say('owner_team')}</option>
  </select></label>
  <label>${say('address')}<input type="email" name="address" required autocomplete="off" value="${form.address}"></label>
  <fieldset><legend>${say('imap_server')}</legend>
    <div class="row">
      <label>${say('host')}<input type="text" name="imapHost" required autocomplete="off" value="${form.imapHost}"></label>
      <label>${say('port')}<input type="number" name="imapPort" required min="1" max="65535" value="${form.imapPort}"></label>
      <label>${say('tls')}${tlsSelect(ctx, 'imapTls', form.imapTls)}</label>
    </div>
    <label>${say('username')}<input type="text" name="username" required autocomplete="off" value="${form.username}"></label>
    <label>${say('password')}<input type="password" name="password" required autocomplete="new-password"></label>
  </fieldset>
  <fieldset><legend>${say('smtp_server')}</legend>
    <div class="row">
      <label>${say('host')}<input type="text" name="smtpHost" autocomplete="off" value="${form.smtpHost}"></label>
      <label>${say('port')}<input type="number" name="smtpPort" min="1" max="65535" value="${form.smtpPort}"></label>
      <label>${say('tls')}${tlsSelect(ctx, 'smtpTls', form.smtpTls)}</label>
    </div>
  </fieldset>
  <button type="submit">${say('connect')}</button>
</form>
<section aria-labelledby="oauth-h"><h2 id="oauth-h">${say('oauth_connect_title')}</h2>
<p>${say('oauth_connect_help')}</p>
<form method="post" class="oauth" id="oauth-form">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>${say('owner')}<select name="owner" required>
    ${users.map((u) => html`<option value="${u.email}"${form.owner === u.email ? html` selected` : ''}>${u.name ? `${u.name} <${u.email}>` : u.email}</option>`)}
  </select></label>
  <button type="submit" class="secondary" formaction="/console/oauth/gmail">${say('sign_in_google')}</button>
  <button type="submit" class="secondary" formaction="/console/oauth/office365">${say('sign_in_microsoft')}</button>
</form></section>`,
  });
}
