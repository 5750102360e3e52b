// The one table a chaos run prints: a row per phase and the totals, goals beside.
import { fmt, renderGrid } from '../../bench/lib/table';
import type { PhaseFigures } from './phase-figures';

export const GOALS = '0 lost, 0 duplicated; at most 2 sessions per inbox, and 2 only briefly (a handover of a few seconds)';

const s = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)} s`);

export function renderChaosTable(phases: readonly PhaseFigures[], total: PhaseFigures, inboxes: number): string {
  const header = ['phase', 'delivered', 'logged', 'lost', 'duplicated', 'all held again after', 'fewest held', 'max sessions/inbox', 'longest 2+ sessions', 'latency p50 / p99 / max'];
  const row = (p: PhaseFigures) => [
    p.name,
    fmt(p.delivered),
    fmt(p.logged),
    p.lost === 0 ? '0' : `${p.lost} ✗`,
    p.duplicated === 0 ? '0' : `${p.duplicated} ✗`,
    s(p.heldAgainS),
    `${fmt(p.minHeld)} of ${inboxes}`,
    p.maxPerInbox > 2 ? `${p.maxPerInbox} ✗` : fmt(p.maxPerInbox),
    s(p.longestDoubledS),
    `${fmt(p.latency.p50)} / ${fmt(p.latency.p99)} / ${fmt(p.latency.max)} ms`,
  ];
  return renderGrid(header, [...phases.map(row), row(total)]);
}
