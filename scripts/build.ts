// `npm run build`: compiles each app's process entry point to JavaScript with source maps, into dist/:
//
//   dist/app/reply-sync.js  worker.js  scheduler.js  api.js  tracker.js  webhooks.js  inbound.js   the entry points (plain `node`, no tsx)
//   dist/app/*-HASH.js                               code loaded on demand (a CLI command's action, an OAuth client)
//   dist/drizzle/                                    the migrations: migrate() reads ../drizzle from any file in dist/app
//   dist/data/                                       packages/tracking's data files (Apple's egress ranges), read as ../data
//   dist/metafile.json                               what went where (esbuild's metafile)
//
// esbuild bundles our workspace packages from their TypeScript sources (their package.json `exports` point
// at src/*.ts) and splits at every dynamic import(), so a command loads only its own code. npm packages
// stay in node_modules (resolved from the checkout's, or the image's, node_modules/), except the few in
// BUNDLED_PACKAGES. Run with `node scripts/build.ts` (Node 24 strips the types).
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(REPO_ROOT, 'dist');

/** dist/app/<name>.js ← the process entry point it compiles. */
export const ENTRY_POINTS: Record<string, string> = {
  'reply-sync': 'apps/cli/src/bin.ts',
  worker: 'apps/sync-worker/src/main.ts',
  scheduler: 'apps/scheduler/src/main.ts',
  api: 'apps/api/src/main.ts',
  tracker: 'apps/api/src/tracker-main.ts',
  webhooks: 'apps/webhook-worker/src/main.ts',
  inbound: 'apps/inbound/src/main.ts',
};

/**
 * npm packages compiled into dist/ instead of loaded from node_modules: ES modules spread over hundreds of
 * files, for which Node's loader pays per file. drizzle-orm/postgres-js took 390 ms to import as its 448
 * files and 21 ms bundled; zod 72 ms and 22 ms. Every other package stays external: bundling CommonJS
 * packages into ES modules needs shims, and some load files or optional packages of their own at run time.
 */
const BUNDLED_PACKAGES = new Set(['drizzle-orm', 'zod']);

/** Modules the compiled code gets in place of another: the demo runs from the sources only. */
const REPLACED: Record<string, string> = {
  'apps/cli/src/demo/run-demo.ts': 'apps/cli/src/demo/demo-not-compiled.ts',
};

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The nearest folder at or above `file` with a package.json: the package that imports. */
function packageDirOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return dir;
  }
}

/**
 * External packages are loaded at run time from the node_modules/ above dist/, i.e. the root's. A copy
 * installed only under a workspace (packages/x/node_modules, where npm puts a version that conflicts with
 * the hoisted one) would not be found there, or the wrong version would be: the build refuses both.
 */
function dependencies(root: string): esbuild.Plugin {
  return {
    name: 'reply-sync-dependencies',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        if (name.startsWith('@reply-sync/') || BUNDLED_PACKAGES.has(name)) return undefined;
        const owner = packageDirOf(args.importer);
        if (existsSync(join(owner, 'node_modules', name))) {
          return { errors: [{ text: `${name} is installed in ${relative(root, join(owner, 'node_modules', name))}, which the compiled code cannot see (it loads packages from ${relative(root, join(root, 'node_modules')) || 'node_modules'}/); align its version with the other workspaces' so npm hoists it, or add it to BUNDLED_PACKAGES in scripts/build.ts.` }] };
        }
        if (!existsSync(join(root, 'node_modules', name, 'package.json'))) {
          return { errors: [{ text: `${name} (imported by ${relative(root, args.importer)}) is not installed in node_modules/; run npm ci.` }] };
        }
        return { path: args.path, external: true };
      });
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = relative(root, resolve(args.resolveDir, args.path));
        const replacement = REPLACED[target] ?? REPLACED[`${target}.ts`];
        return replacement ? { path: join(root, replacement) } : undefined;
      });
    },
  };
}

export interface BuildResult {
  outdir: string;
  metafile: esbuild.Metafile;
  durationMs: number;
}

/** Builds into `outdir` (default dist/), emptied first so it holds exactly this build. */
export async function build(options: { outdir?: string } = {}): Promise<BuildResult> {
  const started = performance.now();
  const outdir = options.outdir ?? DIST;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.entries(ENTRY_POINTS).map(([out, source]) => ({ in: source, out })),
    outdir: join(outdir, 'app'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Stack traces point into the TypeScript (run with --enable-source-maps); the sources are not copied in.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [dependencies(REPO_ROOT)],
  });
  await cp(join(REPO_ROOT, 'packages/db/drizzle'), join(outdir, 'drizzle'), { recursive: true });
  await cp(join(REPO_ROOT, 'packages/tracking/data'), join(outdir, 'data'), { recursive: true });
  // The root package.json says "type": "module" for a checkout; this says it for dist/ on its own (an image).
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  await writeFile(join(outdir, 'metafile.json'), JSON.stringify(result.metafile));
  return { outdir, metafile: result.metafile, durationMs: performance.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().then(
    (r) => {
      const files = Object.keys(r.metafile.outputs).filter((f) => f.endsWith('.js'));
      console.log(`built ${relative(REPO_ROOT, r.outdir)}/ in ${Math.round(r.durationMs)} ms: ${files.length} JavaScript files, entry points ${Object.keys(ENTRY_POINTS).map((n) => `app/${n}.js`).join(', ')}`);
    },
    (error: unknown) => {
      // esbuild has printed the errors with their locations.
      if (!(error instanceof Error && 'errors' in error)) console.error(error);
      process.exitCode = 1;
    },
  );
}
