// What every scenario gets: options, the bench database, keys, a log folder, and the result table.
import type { EncryptionKeys } from '@reply-sync/db';
import type { BenchDb } from './bench-db';
import type { LatencySummary } from './stats';

export interface BenchOptions {
  quick: boolean;
  only: string[] | null;
  /** Inbox counts for the latency and memory scenarios. */
  sizes: number[];
  /** `--fleet-size N`: the inbox count of the fleet scenarios (fleet-steady, rebalancing, login-storm, dead-link) instead of each one's default. */
  fleetSize: number | null;
  /** `--window-min M`: fleet-steady's steady window (default 15 min; quick 1 min). */
  windowMin: number | null;
}

/** A fleet scenario's inbox count: `--fleet-size`, else its quick or full default. */
export const fleetSize = (options: BenchOptions, sizes: { quick: number; full: number }): number =>
  options.fleetSize ?? (options.quick ? sizes.quick : sizes.full);

export interface ResultRow {
  scenario: string;
  figure: string;
  value: number;
  unit: string;
  /** The bare-client (floor) value of the same figure, when there is one. */
  floor?: number;
  /** "+37 ms" or "1.4×": how value compares with floor. */
  compare?: string;
  goal?: string;
  /** undefined: no goal for this figure. */
  met?: boolean;
}

export interface BenchContext {
  options: BenchOptions;
  runId: string;
  db: BenchDb;
  keys: EncryptionKeys;
  logDir: string;
  row(row: ResultRow): void;
  log(message: string): void;
  /** Floor latency by N, measured once per run and shared with the latency scenario. */
  floors: Map<number, LatencySummary>;
  /** The floor's warm-up deliveries per N (reported apart from `floors`). */
  floorWarmUps: Map<number, LatencySummary>;
}

export interface Scenario {
  name: string;
  title: string;
  /** Returns the details that go to results.json beside the table rows. */
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export const ms = (v: number) => Math.round(v * 10) / 10;
export const ratio = (value: number, floor: number) => (floor > 0 ? `${(value / floor).toFixed(2)}×` : 'n/a');
export const overhead = (value: number, floor: number) => `${value - floor >= 0 ? '+' : ''}${Math.round(value - floor)} ms`;
