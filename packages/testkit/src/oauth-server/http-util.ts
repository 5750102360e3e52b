// Small HTTP helpers for the fake OAuth server: read a form or JSON body, answer JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A form (application/x-www-form-urlencoded) or JSON body as flat string fields. */
export function parseFields(req: IncomingMessage, body: string): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const parsed = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    return out;
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  const parsed: unknown = JSON.parse(body);
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

export function bearerOf(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** The origin a client used to reach us (for discovery documents that must name our own host). */
export function originOf(req: IncomingMessage, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
}
