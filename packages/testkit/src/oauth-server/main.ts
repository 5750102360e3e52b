// The fake OAuth server as a daemon, started by scripts/stack.sh (start_oauth): HTTP on
// OAUTH_HTTP_PORT (default 51080) for Dovecot's introspection and the admin API, HTTPS on
// OAUTH_HTTPS_PORT (default 51443) with the stack's certificate for the token endpoints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOAuthServer } from './server';

const stackDir = process.env.STACK_DIR;
if (!stackDir) {
  console.error('fake OAuth server: STACK_DIR is not set (scripts/stack.sh sets it to the stack folder)');
  process.exit(2);
}
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

const server = await startOAuthServer({
  httpPort: port('OAUTH_HTTP_PORT', 51080),
  httpsPort: port('OAUTH_HTTPS_PORT', 51443),
  tls: { cert: readFileSync(join(stackDir, 'tls', 'cert.pem')), key: readFileSync(join(stackDir, 'tls', 'key.pem')) },
  log,
});
log(`listening: http 127.0.0.1:${server.httpPort}, https 127.0.0.1:${server.httpsPort}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void server.close().then(() => process.exit(0));
  });
}
