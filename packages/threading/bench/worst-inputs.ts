// Parser CPU time on the worst inputs we know (test/hostile-inputs.ts): µs per KB at 64 KB and the
// growth from 64 KB to 128 KB (2.0 is linear, 4.0 quadratic), for what the worker does with a
// hostile header block (messageFactsFromHeaders, then decide(): `facts+decide`), and for each
// parser alone.
//
//   npx tsx bench/worst-inputs.ts            (from packages/threading; about a minute)
//
// Each case runs in its own child process with a heap limit and a time limit, so an input that
// hangs or exhausts memory (as `Ana <ana@x.test>: hi` did in parseAddressList) is reported as such
// instead of taking the benchmark down. Nothing here asserts: the timing properties do that.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { context } from '../test/builders';
import { BLOCK_SHAPES, hostileHeaderBlock, repeatTo, singleFieldBlock, VALUE_MOTIFS } from '../test/hostile-inputs';
import { bestTime } from '../test/linear-time';

const KB = 1024;
const CASE_TIMEOUT_MS = 20_000;
type Subject = 'facts+decide' | 'parseHeaderBlock' | 'parseAddressList' | 'parseMessageIdList' | 'decodeHeaderValue';
/** Fields checked one at a time with a value of `(` (the comment regex was quadratic there). */
const SINGLE_FIELDS = ['Content-Type', 'Auto-Submitted', 'Date'];

async function runCase(subject: Subject, shape: string): Promise<void> {
  const t = await import('../src/index');
  const place = { mailbox: 'INBOX', arrivedAt: new Date() };
  const input = (length: number): string =>
    shape in BLOCK_SHAPES
      ? BLOCK_SHAPES[shape]!(length)
      : shape.startsWith('one ')
        ? singleFieldBlock(shape.split(' ')[1]!, '(', length)
        : subject === 'facts+decide' || subject === 'parseHeaderBlock'
          ? hostileHeaderBlock(VALUE_MOTIFS[shape]!, length)
          : repeatTo(VALUE_MOTIFS[shape]!, length);
  const fns: Record<Subject, (s: string) => unknown> = {
    'facts+decide': (s) => t.decide(t.messageFactsFromHeaders(s, place), context()),
    parseHeaderBlock: (s) => t.parseHeaderBlock(s),
    parseAddressList: (s) => t.parseAddressList(s),
    parseMessageIdList: (s) => t.parseMessageIdList(s),
    decodeHeaderValue: (s) => t.decodeHeaderValue(s),
  };
  // CPU time, best of a few batches (test/linear-time.ts), so a busy machine does not skew the figures.
  const fn = fns[subject];
  const t64 = bestTime(fn, input(64 * KB), 10);
  const t128 = bestTime(fn, input(128 * KB), 10);
  process.stdout.write(JSON.stringify({ t64, t128 }));
}

function row(subject: Subject, shape: string): string {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, '--max-old-space-size=512', fileURLToPath(import.meta.url), '--case', subject, shape],
    { encoding: 'utf8', timeout: CASE_TIMEOUT_MS },
  );
  let figures: string;
  if (child.error || child.signal) figures = `did not finish in ${CASE_TIMEOUT_MS / 1000} s`;
  else if (child.status !== 0) figures = /heap out of memory/i.test(child.stderr) ? 'out of memory (512 MB heap)' : `failed: ${child.stderr.split('\n')[0]}`;
  else {
    const { t64, t128 } = JSON.parse(child.stdout) as { t64: number; t128: number };
    figures = `${((t64 * 1000) / 64).toFixed(1).padStart(10)} µs/KB   ×${(t128 / t64).toFixed(1)}`;
  }
  return `${subject.padEnd(24)} ${shape.padEnd(30)} ${figures}`;
}

if (process.argv[2] === '--case') {
  await runCase(process.argv[3] as Subject, process.argv[4]!);
} else {
  console.log(`${'function'.padEnd(24)} ${'shape'.padEnd(30)} ${'at 64 KB'.padStart(10)}        64→128 KB`);
  const cases: [Subject, string][] = [
    ...Object.keys(VALUE_MOTIFS).map((m): [Subject, string] => ['facts+decide', m]),
    ...SINGLE_FIELDS.map((f): [Subject, string] => ['facts+decide', `one ${f} field of (`]),
    ...Object.keys(BLOCK_SHAPES).map((m): [Subject, string] => ['facts+decide', m]),
    ...Object.keys(BLOCK_SHAPES).map((m): [Subject, string] => ['parseHeaderBlock', m]),
    ...(['parseAddressList', 'parseMessageIdList', 'decodeHeaderValue'] as const).flatMap((f) =>
      Object.keys(VALUE_MOTIFS).map((m): [Subject, string] => [f, m]),
    ),
  ];
  for (const [subject, shape] of cases) console.log(row(subject, shape));
}
