// The compiled CLI as an operator runs it: `npm run build`, then the root package's bin
// (bin/reply-sync.mjs → dist/app/reply-sync.js) on plain node, as a process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { build, DIST, REPO_ROOT } from '../../../scripts/build';

const BIN = fileURLToPath(new URL('../bin/reply-sync.mjs', import.meta.url));
const RECORDER = fileURLToPath(new URL('./fixtures/record-loaded-modules.mjs', import.meta.url));

/** Builds dist/ from the current sources (about a second), so the test never runs a stale build. */
export async function buildOnce(): Promise<void> {
  await build();
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only what a shell would pass on (PATH, HOME), plus the variables each call sets. */
function processEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env };
}

function collect(child: ChildProcess): { output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { output: () => ({ stdout, stderr }), exited };
}

export async function runCompiled(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = [], options: { closeStdout?: boolean } = {}): Promise<Run> {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: processEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, exited } = collect(child);
  // A reader that has stopped reading, as `| head` does once it has its lines: the CLI's writes fail (EPIPE).
  if (options.closeStdout) child.stdout!.destroy();
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, ...output() };
}

/**
 * Runs the compiled CLI and returns, beside its output, the npm packages its process evaluated: those
 * loaded from node_modules/, and those compiled into the dist/ files it loaded (from the build's metafile).
 */
export async function packagesLoadedBy(args: string[], env: Record<string, string> = {}): Promise<Run & { packages: Set<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'reply-sync-loaded-'));
  try {
    const file = join(dir, 'loaded.json');
    const run = await runCompiled(args, { ...env, LOADED_MODULES_FILE: file }, ['--import', RECORDER]);
    const urls = JSON.parse(await readFile(file, 'utf8')) as string[];
    const metafile = JSON.parse(await readFile(join(DIST, 'metafile.json'), 'utf8')) as Metafile;
    const packages = new Set<string>();
    const add = (path: string) => {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
      if (m) packages.add(m[1]!);
    };
    for (const url of urls.filter((u) => u.startsWith('file:'))) {
      const path = fileURLToPath(url);
      add(path);
      const output = metafile.outputs[path.slice(REPO_ROOT.length)];
      for (const input of Object.keys(output?.inputs ?? {})) add(input);
    }
    return { ...run, packages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LongRunning {
  /** The JSON log lines printed so far. */
  lines(): Record<string, unknown>[];
  output(): { stdout: string; stderr: string };
  /** SIGTERM; resolves with the exit code (SIGKILL after 30 s: on CI's loaded 2 cores an API once took over 15 s to close its pools). */
  stop(): Promise<number | null>;
}

/** Starts `reply-sync worker` or `scheduler` (compiled), which run until SIGTERM. */
export function startCompiled(args: string[], env: Record<string, string>): LongRunning {
  const child = spawn(process.execPath, [BIN, ...args], { env: processEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, exited } = collect(child);
  return {
    output,
    lines: () =>
      output()
        .stdout.split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
