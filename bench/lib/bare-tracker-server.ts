// The tracker scenario's baseline: bare Fastify routes of the tracker's shape (no token check, no recorder,
// no plugins) answering the same 43-byte GIF with the same headers, and a 302, on BARE_PORT.
import Fastify from 'fastify';
import { MAX_TOKEN_CHARS, PIXEL_HEADERS, TRANSPARENT_GIF } from '@reply-sync/tracking';

// Tokens are longer than Fastify's default 100-character parameter, as in the API (apps/api/src/app.ts).
const app = Fastify({ logger: false, routerOptions: { maxParamLength: MAX_TOKEN_CHARS + '.gif'.length } });
app.get('/t/o/:token.gif', async (_request, reply) => reply.headers(PIXEL_HEADERS).send(TRANSPARENT_GIF));
app.get('/t/c/:token', async (_request, reply) => reply.code(302).headers({ location: 'https://example.com/pricing', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send());
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
console.log('bare tracker server listening');
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
