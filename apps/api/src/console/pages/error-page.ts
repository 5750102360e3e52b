// Pages for what went wrong: not found (also another account's ids), a role that may not, a refused form.
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { notice, page } from '../layout';

export function errorPage(ctx: ConsoleContext, title: string, sentence: string): Html {
  return page(ctx, { title, body: html`${notice('error', title, sentence)}<p><a href="/console/inboxes">${ctx.say('back_to_inboxes')}</a></p>` });
}
