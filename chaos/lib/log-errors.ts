// What the fleet complained about in each phase: the children's pino lines at warn and above, counted by
// message and phase (by their own `time`), for results.json. The logs never hold a password or a body.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Phase } from './phase-figures';

export async function logComplaintsByPhase(logDir: string, phases: readonly Phase[]): Promise<Record<string, Record<string, number>>> {
  const byPhase: Record<string, Record<string, number>> = {};
  for (const file of (await readdir(logDir)).filter((f) => f.endsWith('.log'))) {
    const who = file.replace(/-\d+\.log$|\.log$/, '');
    for (const line of (await readFile(join(logDir, file), 'utf8')).split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { level?: number; time?: number; msg?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if ((entry.level ?? 0) < 40 || entry.time === undefined) continue;
      const phase = phases.find((p) => entry.time! >= p.startMs && entry.time! < p.endMs)?.name ?? 'outside the phases';
      const key = `${who} ${entry.level! >= 50 ? 'error' : 'warn'}: ${entry.msg ?? '?'}`;
      const counts = (byPhase[phase] ??= {});
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return byPhase;
}
