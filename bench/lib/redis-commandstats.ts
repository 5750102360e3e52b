// Redis as the server counts it (and its memory): INFO commandstats, which counts the commands a Lua script
// runs as well as the EVALSHA itself (a client-side count sees only the EVALSHA). Read on a
// redis-server of the scenario's own, so nobody else's traffic is in the figure.
import type { RedisConnection as Redis } from '@reply-sync/queue';

/** The benchmark's own reads (INFO, CONFIG RESETSTAT): left out of every total. */
const OWN = /^(info|config)/;

export async function resetCommandStats(redis: Redis): Promise<void> {
  await redis.call('CONFIG', 'RESETSTAT');
}

/** Calls per command since the last reset, e.g. `evalsha` → 120, `zadd` → 120; busiest first. */
export async function commandStats(redis: Redis): Promise<{ command: string; calls: number }[]> {
  const info = String(await redis.call('INFO', 'commandstats'));
  const rows: { command: string; calls: number }[] = [];
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (!OWN.test(m[1]!)) rows.push({ command: m[1]!, calls: Number(m[2]) });
  }
  return rows.sort((a, b) => b.calls - a.calls);
}

/** INFO memory's used_memory (bytes). */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = String(await redis.call('INFO', 'memory'));
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}
