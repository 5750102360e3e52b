// A real Server-Sent Events client for the tests: a streaming HTTP request whose frames are parsed as they
// arrive (events with id, type and JSON data; comment lines counted apart), each stamped with its arrival.
import { waitFor } from '@reply-sync/testkit';

export interface SseEvent {
  id: string | null;
  event: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export interface SseClient {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event matching, waiting up to timeoutMs. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const client: SseClient = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events: [],
    comments: [],
    next: (match, timeoutMs = 5000) => waitFor(() => client.events.find(match), { what: 'an SSE event', timeoutMs, intervalMs: 5 }),
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (!res.ok || !res.body) return client;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) client.events.push({ id, event, data: JSON.parse(data.join('\n')) as Record<string, unknown>, receivedAt: Date.now() });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}
