// HTML mail is hostile. Before it is shown (in a sandboxed iframe without scripts, console/pages/email-page.ts)
// it is rebuilt from an allowlist: known formatting tags and attributes only; no script, style sheet link,
// form, frame or object; no event handler; links only http(s)/mailto; and every remote image's address
// moved aside (data-blocked-src) unless the reader asked for images, so opening a mail fires no tracking pixel.
import { Parser } from 'htmlparser2';
import { escapeHtml } from './html';

const ALLOWED_TAGS = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'div', 'dl', 'dt', 'em', 'font',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'ol', 'p', 'pre', 'q', 's', 'small', 'span', 'strike', 'strong',
  'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
]);
/** Dropped with everything inside them, not only the tag. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'head', 'title', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math', 'form', 'select', 'textarea', 'button']);
const VOID = new Set(['br', 'hr', 'img', 'col']);
const ALLOWED_ATTRS = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'align', 'valign', 'colspan', 'rowspan', 'cellpadding', 'cellspacing', 'border', 'color', 'face', 'size', 'dir', 'lang']);

export interface SanitizedHtml {
  html: string;
  /** How many images point at another server (blocked unless allowed). */
  remoteImages: number;
}

const isRemote = (url: string) => /^\s*(https?:)?\/\//i.test(url);
const safeHref = (url: string) => /^\s*(https?:|mailto:)/i.test(url);

export function sanitizeEmailHtml(input: string, options: { allowRemoteImages: boolean }): SanitizedHtml {
  let out = '';
  let dropDepth = 0;
  let remoteImages = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (dropDepth > 0 || DROPPED_WITH_CONTENT.has(name)) {
          if (!VOID.has(name)) dropDepth++;
          return;
        }
        if (!ALLOWED_TAGS.has(name)) return;
        const kept: string[] = [];
        for (const [key, value] of Object.entries(attrs)) {
          const k = key.toLowerCase();
          if (!ALLOWED_ATTRS.has(k)) continue;
          if (k === 'href') {
            if (safeHref(value)) kept.push(`href="${escapeHtml(value)}" target="_blank" rel="noopener noreferrer"`);
            continue;
          }
          if (k === 'src') {
            if (name !== 'img') continue;
            if (/^\s*data:image\//i.test(value)) kept.push(`src="${escapeHtml(value)}"`);
            else if (isRemote(value)) {
              remoteImages++;
              kept.push(options.allowRemoteImages ? `src="${escapeHtml(value)}"` : `data-blocked-src="${escapeHtml(value)}"`);
            }
            continue;
          }
          kept.push(`${k}="${escapeHtml(value)}"`);
        }
        out += `<${name}${kept.length ? ` ${kept.join(' ')}` : ''}>`;
      },
      ontext(text) {
        if (dropDepth === 0) out += escapeHtml(text);
      },
      onclosetag(name) {
        if (dropDepth > 0) {
          if (!VOID.has(name)) dropDepth--;
          return;
        }
        if (ALLOWED_TAGS.has(name) && !VOID.has(name)) out += `</${name}>`;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(input);
  parser.end();
  return { html: out, remoteImages };
}
