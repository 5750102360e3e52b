// The console-pages scenario's baseline: a bare Fastify route (no session, no database, no rendering)
// answering GET /html with the HTML in BARE_HTML_FILE, held in memory, on BARE_PORT.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const html = readFileSync(process.env.BARE_HTML_FILE!, 'utf8');
const app = Fastify({ logger: false });
app.get('/html', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
console.log('bare html server listening');
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
