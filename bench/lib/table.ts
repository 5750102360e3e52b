// The one table the benchmark prints (and the grid the chaos suite prints its own table with).
import type { ResultRow } from './context';

/** A figure as the tables show it: thousands separated, a few significant digits, `n/a` for NaN. */
export const fmt = (v: number | undefined, unit = ''): string => {
  if (v === undefined) return '';
  if (Number.isNaN(v)) return 'n/a';
  const abs = Math.abs(v);
  const text = Number.isInteger(v) || abs >= 100 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${text} ${unit}` : text;
};

/** A Markdown table with padded columns. */
export function renderGrid(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function renderTable(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'figure', 'value', 'floor/bare', 'vs floor', 'goal', 'met?'];
  const body = rows.map((r) => [
    r.scenario,
    r.figure,
    fmt(r.value, r.unit),
    fmt(r.floor, r.floor === undefined ? '' : r.unit),
    r.compare ?? '',
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  return renderGrid(header, body);
}
