// The worker's small HTTP surface: GET /metrics (Prometheus text) and GET /healthz.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './metrics';

export interface HttpServerHandle {
  port: number;
  close(): Promise<void>;
}

export interface HealthSource {
  /** False once the worker is shutting down or lost Redis. */
  healthy(): boolean;
  details(): Record<string, unknown>;
}

/** Listens on `host:port` (port 0: any free port, as tests use it). */
export async function startHttpServer(
  listen: { port: number; host: string },
  metrics: WorkerMetrics,
  health: HealthSource,
): Promise<HttpServerHandle> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(error instanceof Error ? error.message : 'metrics failed');
        },
      );
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      const ok = health.healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, ...health.details() }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
