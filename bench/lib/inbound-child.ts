// The inbound service (apps/inbound: SMTP receiver + processing worker) as a benchmark child process:
// startInbound from its env, as `reply-sync inbound` runs it, with one difference: SPF/DKIM/DMARC
// look-ups go to a resolver answering the TXT records in BENCH_DNS_RECORDS ({"name": "value"}) instead
// of the system's DNS (the sending domain exists only in the benchmark). Stops on SIGTERM.
import { createLogger, parseInboundEnv, startInbound, type DnsResolver } from '@reply-sync/inbound';

const records = new Map(Object.entries(JSON.parse(process.env.BENCH_DNS_RECORDS ?? '{}') as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
const resolver: DnsResolver = async (name, rrtype) => {
  const txt = rrtype.toUpperCase() === 'TXT' ? records.get(name.toLowerCase().replace(/\.$/, '')) : undefined;
  if (txt === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return [[txt]];
};

const env = parseInboundEnv();
const logger = createLogger({ level: env.LOG_LEVEL });
const running = await startInbound({ env, logger, resolver });
console.log(JSON.stringify({ msg: 'bench inbound ready', port: running.port }));
process.once('SIGTERM', () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
