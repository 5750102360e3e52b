// One email (admins): headers, attachments to download, and the body. Text is shown as text; HTML is
// sanitised (sanitize-email-html.ts) and shown in an iframe sandboxed without scripts, with a CSP of its
// own, and remote images stay blocked until the reader asks for them.
import type { AttachmentInfo, LoggedEmail } from '@reply-sync/db';
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import { page, time } from '../layout';
import { sanitizeEmailHtml } from '../sanitize-email-html';

export function emailPage(ctx: ConsoleContext, email: LoggedEmail, attachments: AttachmentInfo[], options: { allowRemoteImages: boolean }): Html {
  const { say } = ctx;
  let body: Html;
  if (email.htmlBody) {
    const clean = sanitizeEmailHtml(email.htmlBody, options);
    const imgSrc = options.allowRemoteImages ? 'data: https: http:' : 'data:';
    const doc = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${imgSrc}; style-src 'unsafe-inline'"><base target="_blank"></head><body>${clean.html}</body></html>`;
    body = html`${clean.remoteImages > 0 && !options.allowRemoteImages ? html`<div class="notice ok" role="status"><p>${say('images_blocked', { n: clean.remoteImages })}</p><p><a href="/console/emails/${email.id}?images=1">${say('show_images')}</a></p></div>` : ''}
<iframe class="email-body" title="${say('body_title')}" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="${doc}"></iframe>`;
  } else {
    body = html`<pre class="email-text">${email.textBody ?? ''}</pre>`;
  }
  return page(ctx, {
    title: email.subject || say('no_subject'),
    current: 'timeline',
    body: html`<dl class="facts">
<dt>${say('col_from')}</dt><dd>${email.fromName ? `${email.fromName} <${email.fromAddress}>` : email.fromAddress}</dd>
<dt>${say('col_when')}</dt><dd>${time(email.receivedAt ?? email.sentAt ?? email.createdAt)}</dd>
<dt>${say('message_id')}</dt><dd><code>${email.messageId}</code></dd>
</dl>
${attachments.length > 0 ? html`<h2>${say('attachments')}</h2><ul class="attachments">${attachments.map((a) => html`<li><a href="/console/emails/${email.id}/attachments/${a.id}" download>${a.filename ?? a.contentType}</a> <span class="muted">(${a.size} B)</span></li>`)}</ul>` : ''}
${email.attachmentsSkippedReason ? html`<p class="muted">${say('attachments_dropped')}</p>` : ''}
<h2>${say('body_title')}</h2>
${body}`,
  });
}
