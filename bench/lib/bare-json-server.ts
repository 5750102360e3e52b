// The baseline of the api-timeline scenario: a bare Fastify route (no auth, no database, no schema)
// answering GET /json with the object in BARE_JSON_FILE, held in memory and serialised per request, on
// BARE_PORT. What the API's timeline route costs is measured against this.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = JSON.parse(readFileSync(process.env.BARE_JSON_FILE!, 'utf8')) as unknown;
const app = Fastify({ logger: false });
app.get('/json', async () => body);
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT) });
console.log('bare json server listening');
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
