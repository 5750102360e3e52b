// An open-loop HTTP load generator (undici): requests are sent on a fixed schedule, `rate` per second,
// whether or not earlier ones have answered, and each latency runs from the request's SCHEDULED time to
// the end of its body. A closed loop (send the next when one answers) would slow down with the server
// and hide its stalls (coordinated omission); this one shows them as latency.
import { Pool } from 'undici';
import { sleep } from './concurrency';
import { summarize, type LatencySummary } from './stats';

export interface OpenLoopOptions {
  origin: string;
  path: string;
  headers?: Record<string, string>;
  rate: number;
  seconds: number;
  /** Sockets the pool may open (default 128): enough that the generator never queues behind itself. */
  connections?: number;
  /** A request not answered in this long counts as an error (default 10 s). */
  timeoutMs?: number;
}

export interface OpenLoopResult {
  latency: LatencySummary;
  sent: number;
  ok: number;
  errors: number;
  /** Status or error code → count, for the errors. */
  errorKinds: Record<string, number>;
  /** Requests actually started per second (the schedule kept). */
  achievedRate: number;
  bytesPerResponse: number;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(o.origin, { connections: o.connections ?? 128, pipelining: 1, keepAliveTimeout: 30_000 });
  const timeoutMs = o.timeoutMs ?? 10_000;
  const total = Math.round(o.rate * o.seconds);
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let bytes = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 50;
  const one = async (due: number) => {
    try {
      const r = await pool.request({ path: o.path, method: 'GET', headers: o.headers ?? {}, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const body = await r.body.arrayBuffer();
      const done = performance.now();
      if (r.statusCode === 200) {
        ok++;
        bytes += body.byteLength;
        latencies.push(done - due);
      } else {
        errorKinds[String(r.statusCode)] = (errorKinds[String(r.statusCode)] ?? 0) + 1;
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'error');
      errorKinds[code] = (errorKinds[code] ?? 0) + 1;
    }
  };
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // Late timers do not shift the schedule: what is due goes now, measured from when it was due.
    inFlight.push(one(due));
  }
  const sentBy = performance.now();
  await Promise.all(inFlight);
  await pool.close();
  const errors = total - ok;
  return { latency: summarize(latencies), sent: total, ok, errors, errorKinds, achievedRate: Math.round((total / ((sentBy - start) / 1000)) * 10) / 10, bytesPerResponse: ok ? Math.round(bytes / ok) : 0 };
}
