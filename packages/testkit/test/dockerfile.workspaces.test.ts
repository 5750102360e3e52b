// The image's dependency layer copies every workspace's package.json before `npm ci`: one left out makes
// `npm ci` in the image fail (the lockfile names a workspace it cannot find), which no other test sees
// on a machine without a Docker engine.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

function workspaces(): string[] {
  const found: string[] = [];
  for (const parent of ['apps', 'packages']) {
    for (const name of readdirSync(new URL(`${parent}/`, root))) {
      if (existsSync(new URL(`${parent}/${name}/package.json`, root))) found.push(`${parent}/${name}`);
    }
  }
  return found.sort();
}

describe('Dockerfile', () => {
  it("copies every workspace's package.json before npm ci", () => {
    const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
    const copied = new Set([...dockerfile.matchAll(/^COPY\s+(\S+)\/package\.json\s/gm)].map((m) => m[1]));
    const missing = workspaces().filter((w) => !copied.has(w));
    expect(missing, `add "COPY <dir>/package.json <dir>/" to the Dockerfile for: ${missing.join(', ')}`).toEqual([]);
  });
});
