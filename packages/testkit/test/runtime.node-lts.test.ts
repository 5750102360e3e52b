// The suite runs on the project's own Node LTS (the npm registry's node-linux-* package that npm puts
// first on every script's PATH), not on the machine's older system Node.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('is the Node LTS package.json requires', () => {
    console.log(`tests run on node ${process.version} (${process.execPath})`);
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const wanted = /^>=(\d+)\.(\d+)/.exec(root.engines.node);
    expect(wanted, `engines.node is ${root.engines.node}`).not.toBeNull();
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(wanted![1]) * 1000 + Number(wanted![2]));
    expect(major % 2, 'an even (LTS) release line').toBe(0);
  });
});
