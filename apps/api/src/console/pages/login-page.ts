// The sign-in page: email and password, the login CSRF token, and the sentence of a failed attempt.
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page } from '../layout';

export function loginPage(ctx: ConsoleContext, options: { csrfToken: string; email?: string; error?: string; next?: string }): Html {
  const { say } = ctx;
  return page(ctx, {
    title: say('login_title'),
    body: html`${options.error ? notice('error', say('login_title'), options.error) : ''}
<form class="stack" method="post" action="/console/login">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  ${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
  <label>${say('email')}<input type="email" name="email" autocomplete="username" required value="${options.email ?? ''}"${options.email ? '' : html` autofocus`}></label>
  <label>${say('password')}<input type="password" name="password" autocomplete="current-password" required${options.email ? html` autofocus` : ''}></label>
  <button type="submit">${say('sign_in')}</button>
</form>`,
  });
}
