// The page shell every console page shares: landmarks (header, nav, main), a skip link, the signed-in
// user with the sign-out form, our stylesheet and htmx, both served by this API (console/assets.ts).
import { html, type Html, type Renderable } from './html';
import type { ConsoleContext } from './console-session';
import { STRINGS, type StringKey } from './strings';

export type NavItem = 'inboxes' | 'connect' | 'explain' | 'timeline' | 'activity' | 'settings';

const NAV: { item: NavItem; href: string; label: StringKey; adminOnly: boolean }[] = [
  { item: 'inboxes', href: '/console/inboxes', label: 'nav_inboxes', adminOnly: false },
  { item: 'connect', href: '/console/connect', label: 'nav_connect', adminOnly: true },
  { item: 'explain', href: '/console/explain', label: 'nav_explain', adminOnly: false },
  { item: 'timeline', href: '/console/timeline', label: 'nav_timeline', adminOnly: true },
  { item: 'activity', href: '/console/activity', label: 'nav_activity', adminOnly: true },
  { item: 'settings', href: '/console/settings/never-log', label: 'nav_settings', adminOnly: true },
];

export function page(ctx: ConsoleContext, options: { title: string; current?: NavItem; body: Renderable; head?: Renderable }): Html {
  const { say, session } = ctx;
  const signedIn = session ? say('signed_in_as', { email: session.user.email, role: say(session.user.role === 'admin' ? 'role_admin' : 'role_support') }) : '';
  const nav = session
    ? html`<nav aria-label="${say('nav_main')}"><ul>${NAV.filter((n) => !n.adminOnly || session.user.role === 'admin').map(
        (n) => html`<li><a href="${n.href}"${n.item === options.current ? html` aria-current="page"` : ''}>${say(n.label)}</a></li>`,
      )}</ul></nav>
      <div class="who"><span>${signedIn}</span>
      <form method="post" action="/console/logout"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button type="submit" class="link">${say('sign_out')}</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<title>${options.title} · reply-sync</title>
${options.head ?? ''}
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/htmx.min.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${say('skip_to_content')}</a>
<header class="top"><a class="brand" href="/console/inboxes">${say('brand')}</a>${nav}</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>
`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as `2026-12-02 05:11 UTC` in a <time> element (the machine-readable value in datetime). */
export function time(at: Date | string | null | undefined, fallback = ''): Html {
  if (!at) return html`${fallback}`;
  const d = typeof at === 'string' ? new Date(at) : at;
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  return html`<time datetime="${d.toISOString()}">${text}</time>`;
}

/** A message (a sentence the reader must see) in a live region, so a screen reader announces it too. */
export function notice(kind: 'error' | 'ok', title: string, sentence: Renderable, detail?: Renderable): Html {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><p><strong>${title}</strong></p>${sentence ? html`<p class="sentence">${sentence}</p>` : ''}${detail ? html`<p class="detail">${detail}</p>` : ''}</div>`;
}

/** A string with placeholders filled by markup (a <time>, a link): the string's own text is escaped. */
export function sayWith(ctx: ConsoleContext, key: StringKey, vars: Record<string, Renderable>): Html {
  const template = STRINGS[ctx.lang][key];
  const parts = template.split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && m[1]! in vars ? html`${vars[m[1]!]}` : html`${part}`;
  });
  return html`${parts}`;
}
