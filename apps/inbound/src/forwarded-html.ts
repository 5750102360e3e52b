// The original message's HTML inside a forward's HTML part, cut out at the forward header each client
// writes (Gmail, Outlook web and desktop, Apple Mail, Thunderbird), so the logged original keeps its
// formatting. Structure only (htmlparser2's DOM), never patterns over the markup.
import type { ChildNode, Document, Element, ParentNode, Text } from 'domhandler';
import { DomHandler, DomUtils, Parser } from 'htmlparser2';
import { MAX_HTML_DEPTH } from './read-forward';

/** Larger HTML parts are not cut: a 2 MB part takes about half a second to parse, and the text stands in. */
export const MAX_FORWARD_HTML_BYTES = 2 * 1024 * 1024;

/** How many non-blank characters of the original's text must appear in the cut-out HTML. */
const TEXT_START_CHARS = 30;

class TooDeep extends Error {}

/**
 * Stops the parse at the first element deeper than MAX_HTML_DEPTH: the parser's open-tag stack makes
 * deep nesting quadratic (100,000 nested divs: 3.6 s), and the DOM helpers and serializer recurse.
 * A cut original with silently missing parts would be worse than none: the text body stands in.
 */
class DepthLimitedHandler extends DomHandler {
  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    // tagStack holds the document too.
    if (this.tagStack.length > MAX_HTML_DEPTH + 1) throw new TooDeep();
  }
}

function parse(html: string): Document | null {
  const handler = new DepthLimitedHandler();
  try {
    new Parser(handler).end(html);
  } catch (error) {
    if (error instanceof TooDeep) return null;
    throw error;
  }
  return handler.root;
}

/** Where a client's forward header is: the original is what follows it, up to the end of its container. */
interface HeaderAt {
  header: Element;
  container: ParentNode;
}

const hasClass = (el: Element, name: string) => (el.attribs.class ?? '').split(/\s+/).includes(name);
const elementChildren = (el: Element) => el.children.filter(DomUtils.isTag);

/** The first text node with something in it, in document order. */
function firstText(el: Element): Text | null {
  const stack: ChildNode[] = [...el.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (DomUtils.isText(node) && node.data.trim()) return node;
    if (DomUtils.isTag(node)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return null;
}

/** Gmail: <div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------<br>From: ... */
function gmail(el: Element): HeaderAt | null {
  if (!hasClass(el, 'gmail_quote')) return null;
  // A reply's quote has a gmail_attr too ("On ..., Bob wrote:"); a forward's starts with its dashed line,
  // in every language.
  const attr = elementChildren(el).find((c) => hasClass(c, 'gmail_attr'));
  return attr && DomUtils.textContent(attr).includes('-----') ? { header: attr, container: el } : null;
}

/** Outlook on the web: <hr ...><div id="divRplyFwdMsg">header</div> then the original, to the end. */
function outlookWeb(el: Element, root: Document): HeaderAt | null {
  return el.attribs.id === 'divRplyFwdMsg' ? { header: el, container: root } : null;
}

/** Outlook desktop (Word HTML): the header paragraph in a div with a thin grey top border, the original after it. */
function outlookDesktop(el: Element, root: Document): HeaderAt | null {
  if (el.name !== 'div') return null;
  const style = (el.attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
  const separator = style.includes('border-top:solid#e1e1e1') || style.includes('border-top:solid#b5c4df');
  return separator && DomUtils.findOne((c) => c.name === 'b', el.children) ? { header: el, container: root } : null;
}

/** An Apple Mail header line: <div><b>From: </b>Bob ...</div>, its first text a bold label. */
function isLabelLine(el: Element): boolean {
  const text = firstText(el);
  if (!text || !text.data.trim().endsWith(':')) return false;
  for (let p = text.parent; p && p !== el; p = p.parent) if (DomUtils.isTag(p) && p.name === 'b') return true;
  return false;
}

/** Apple Mail: <blockquote type="cite"> holding "Begin forwarded message:", the header lines, then the original. */
function appleMail(el: Element): HeaderAt | null {
  if (el.name !== 'blockquote' || el.attribs.type !== 'cite') return null;
  let run = 0;
  let last: Element | null = null;
  for (const child of elementChildren(el)) {
    if (child.name === 'br') continue;
    if (isLabelLine(child)) {
      run++;
      last = child;
    } else if (run >= 2) break;
    else run = 0;
  }
  // Two label lines at least (From and Subject): one bold "Note:" in a quoted reply is not a header.
  return run >= 2 && last ? { header: last, container: el } : null;
}

/** Thunderbird: <div class="moz-forward-container"> with the header table, then the original. */
function thunderbird(el: Element): HeaderAt | null {
  if (!hasClass(el, 'moz-forward-container')) return null;
  const table = DomUtils.findOne((c) => c.name === 'table' && hasClass(c, 'moz-email-headers-table'), el.children);
  return table ? { header: table, container: el } : null;
}

const CLIENTS = [gmail, outlookWeb, outlookDesktop, appleMail, thunderbird];

/**
 * The forward's own header: the first in document order, of whichever client. The original, when it is
 * a reply, quotes its thread below with the same kind of header (Outlook uses divRplyFwdMsg for replies
 * too), so the outermost one is the forward's.
 */
function forwardHeader(root: Document): HeaderAt | null {
  let found: HeaderAt | null = null;
  DomUtils.findOne((el) => {
    for (const client of CLIENTS) {
      found = client(el, root);
      if (found) return true;
    }
    return false;
  }, root.children);
  return found;
}

/** Everything after the header in document order, up to the container's end. */
function nodesAfter({ header, container }: HeaderAt): ChildNode[] {
  const nodes: ChildNode[] = [];
  let node: ChildNode = header;
  for (;;) {
    for (let next = node.next; next; next = next.next) nodes.push(next);
    const parent: ParentNode | null = node.parent;
    if (!parent || parent === container || !DomUtils.isTag(parent)) break;
    node = parent;
  }
  return nodes;
}

/** A node that shows nothing: blank text, a comment, a <br>, an empty paragraph (<p><o:p>&nbsp;</o:p></p>). */
function isBlank(node: ChildNode): boolean {
  if (DomUtils.isText(node)) return !node.data.trim();
  if (!DomUtils.isTag(node)) return true;
  if (node.name === 'img' || node.name === 'hr') return false;
  return !DomUtils.textContent(node).trim() && !DomUtils.findOne((c) => c.name === 'img', node.children);
}

function trimBlank(nodes: ChildNode[]): ChildNode[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && isBlank(nodes[start]!)) start++;
  while (end > start && isBlank(nodes[end - 1]!)) end--;
  return nodes.slice(start, end);
}

/** The original's HTML and its text, or null. */
function cutOriginal(forwardHtml: string): { html: string; text: string } | null {
  if (Buffer.byteLength(forwardHtml, 'utf8') > MAX_FORWARD_HTML_BYTES) return null;
  const root = parse(forwardHtml);
  const at = root && forwardHeader(root);
  if (!at) return null;
  const nodes = trimBlank(nodesAfter(at));
  const text = DomUtils.textContent(nodes);
  if (!text.trim()) return null;
  // Characters as they are (encodeEntities 'utf8'): only & < > and quotes are escaped.
  return { html: DomUtils.getOuterHTML(nodes, { encodeEntities: 'utf8' }), text };
}

/**
 * The forwarded original's HTML fragment from a forward's HTML part, or null when no client's forward
 * container is found, the original has no text, or the part is too large or too deeply nested.
 */
export function forwardedOriginalHtml(forwardHtml: string): string | null {
  return cutOriginal(forwardHtml)?.html ?? null;
}

const squeeze = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * The original's HTML only when it starts like the original's text that readForward read (its first 30
 * non-blank characters, case and spacing aside): an HTML part whose header the cut mistook, or that
 * holds another message than the text part, must not be logged as the original.
 */
export function matchingOriginalHtml(forwardHtml: string, originalText: string): string | null {
  const start = squeeze(originalText).slice(0, TEXT_START_CHARS);
  if (!start) return null;
  const cut = cutOriginal(forwardHtml);
  return cut && squeeze(cut.text).includes(start) ? cut.html : null;
}
