// How the benchmarks write their figures: seconds, ratios, medians, the action's own request count, and
// the machine they were measured on (a figure without its load average means little on a shared machine).
import { cpus, loadavg } from 'node:os';

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** How much faster the action was than `other` (or slower); close calls get two decimals. */
export function faster(other: number, action: number): string {
  const ratio = other / action;
  if (ratio < 1) return `${(1 / ratio).toFixed(2)}× slower`;
  return `${ratio.toFixed(ratio < 2 ? 2 : 1)}× faster`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The count of API requests the action logs at the end of a run ("…; 123 API requests."). */
export function requestsOf(stdout: string): number {
  const match = /; (\d+) API requests/.exec(stdout);
  if (!match) throw new Error(`the action logged no request count:\n${stdout}`);
  return Number(match[1]);
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}

export function machine(): string {
  const all = cpus();
  return `${all.length} × ${all[0]?.model.trim() ?? 'unknown CPU'}`;
}
