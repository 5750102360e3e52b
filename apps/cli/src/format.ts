// Small text helpers for the human (non --json) output.

/** `2025-11-23 15:40:12 UTC`: one timezone for every line, so support and logs agree. */
export function formatDate(date: Date | null | undefined): string {
  if (!date) return '-';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

/** Repeatable options: commander calls this with each value and the list so far. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${value}" is not a TCP port`);
  return port;
}
