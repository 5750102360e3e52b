// Tracking an HTML body: the pixel <img> goes before </body> (or at the end), and each <a href> to an
// http(s) URL is pointed at the tracker. Found with htmlparser2's tokenizer, not regexes, and everything
// else is kept byte for byte. Bounded for hostile HTML: at most maxLinks links are rewritten.
import { Parser } from 'htmlparser2';
import { isTrackableUrl } from './tracking-token';

export const MAX_LINKS_REWRITTEN = 200;

export interface InstrumentHtmlOptions {
  /** The pixel's URL; null → no pixel. */
  pixelUrl: string | null;
  /** The tracker URL for a link's target, or null to leave it (e.g. too long to carry). Null → no link rewritten. */
  linkUrl: ((target: string) => string | null) | null;
  maxLinks?: number;
}

export interface InstrumentedHtml {
  html: string;
  pixelInserted: boolean;
  linksRewritten: number;
}

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

export function pixelTag(url: string): string {
  return `<img src="${escapeAttribute(url)}" width="1" height="1" alt="" style="display:none;width:1px;height:1px;border:0" />`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

export function instrumentHtml(html: string, options: InstrumentHtmlOptions): InstrumentedHtml {
  const maxLinks = options.maxLinks ?? MAX_LINKS_REWRITTEN;
  const edits: Edit[] = [];
  let tag = '';
  let hrefSeen = false;
  let linksRewritten = 0;
  let bodyClose = -1;
  const parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
        hrefSeen = false;
      },
      onattribute(name, value) {
        if (tag !== 'a' && tag !== 'area') return;
        if (name !== 'href' || hrefSeen) return;
        // Only the first href of a tag counts in HTML: a second one is left as it is.
        hrefSeen = true;
        if (!options.linkUrl || linksRewritten >= maxLinks) return;
        const target = value.trim();
        if (!isTrackableUrl(target)) return;
        const url = options.linkUrl(target);
        if (url === null) return;
        edits.push({ start: parser.startIndex, end: parser.endIndex, text: `href="${escapeAttribute(url)}"` });
        linksRewritten += 1;
      },
      onclosetag(name, isImplied) {
        if (name === 'body' && !isImplied) bodyClose = html.lastIndexOf('<', parser.endIndex);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);

  let pixelInserted = false;
  if (options.pixelUrl !== null) {
    const at = bodyClose >= 0 ? bodyClose : html.length;
    edits.push({ start: at, end: at, text: pixelTag(options.pixelUrl) });
    pixelInserted = true;
  }
  if (edits.length === 0) return { html, pixelInserted, linksRewritten };
  edits.sort((a, b) => a.start - b.start);
  const out: string[] = [];
  let from = 0;
  for (const edit of edits) {
    out.push(html.slice(from, edit.start), edit.text);
    from = edit.end;
  }
  out.push(html.slice(from));
  return { html: out.join(''), pixelInserted, linksRewritten };
}
