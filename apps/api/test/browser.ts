// A minimal browser for the web sign-in tests: real HTTP(S) requests (the stack's CA trusted), redirects
// not followed (the test follows each Location itself), and the fake provider's consent form read and
// submitted as a browser would (hidden fields, ticked checkboxes, the pressed button).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { stack } from '@reply-sync/testkit';

export interface Answer {
  status: number;
  location: string | undefined;
  contentType: string;
  body: string;
  url: string;
}

export function send(url: string, options: { method?: 'GET' | 'POST'; form?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<Answer> {
  const target = new URL(url);
  const body = options.form?.toString();
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? (body !== undefined ? 'POST' : 'GET'),
        headers: { ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers },
        ...(target.protocol === 'https:' ? { ca: stack.caCert } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), url }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]!) : undefined;
};

export interface ConsentForm {
  action: string;
  /** Hidden fields and the account field, as the page filled them. */
  fields: Map<string, string>;
  /** The scope checkboxes, all ticked on arrival. */
  scopes: string[];
  buttons: string[];
}

/** Reads the consent page's form (its labelled inputs). */
export function readConsentForm(page: Answer): ConsentForm {
  const form = /<form\b[^>]*>/.exec(page.body)?.[0];
  if (!form) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 300)}`);
  const fields = new Map<string, string>();
  const scopes: string[] = [];
  for (const input of page.body.match(/<input\b[^>]*>/g) ?? []) {
    const type = attr(input, 'type');
    const name = attr(input, 'name')!;
    if (type === 'checkbox') {
      if (/\bchecked\b/.test(input)) scopes.push(attr(input, 'value')!);
    } else fields.set(name, attr(input, 'value') ?? '');
  }
  const buttons = [...page.body.matchAll(/<button\b[^>]*value="([^"]*)"/g)].map((m) => m[1]!);
  return { action: new URL(attr(form, 'action')!, page.url).toString(), fields, scopes, buttons };
}

/** Presses a button of the form with these scopes ticked (and the account field as given). */
export function submitConsent(form: ConsentForm, choice: { decision: 'allow' | 'deny'; scopes?: string[]; username?: string }): Promise<Answer> {
  const body = new URLSearchParams();
  for (const [name, value] of form.fields) body.set(name, name === 'username' && choice.username !== undefined ? choice.username : value);
  for (const scope of choice.scopes ?? form.scopes) body.append('granted_scope', scope);
  if (!form.buttons.includes(choice.decision)) throw new Error(`the form has no ${choice.decision} button`);
  body.set('decision', choice.decision);
  return send(form.action, { form: body });
}

/** The page's sentence and code (sign-in-page.ts marks them with ids). */
export function pageResult(page: Answer): { code: string | undefined; sentence: string | undefined } {
  const text = (id: string) => {
    const m = new RegExp(`id="${id}">([^<]*)<`).exec(page.body);
    return m ? unescape(m[1]!) : undefined;
  };
  return { code: text('code'), sentence: text('sentence') };
}
