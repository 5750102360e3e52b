// The tracker scenario's load generator, in a process of its own (so its CPU is not the server's event
// loop): autocannon against AUTOCANNON_URL, cycling through the paths in AUTOCANNON_SPEC (a JSON file:
// { url, paths, connections, seconds }), writing autocannon's result as JSON to AUTOCANNON_OUT.
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface Spec {
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
}

const spec = JSON.parse(readFileSync(process.env.AUTOCANNON_SPEC!, 'utf8')) as Spec;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  pipelining: 1,
  duration: spec.seconds,
  // Each connection walks the list in order: many distinct tokens, not one URL hit again and again.
  requests: spec.paths.map((path) => ({ method: 'GET' as const, path })),
});
writeFileSync(process.env.AUTOCANNON_OUT!, JSON.stringify(result));
process.exit(0);
