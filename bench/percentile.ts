/**
 * The p-th percentile of `values` (nearest rank). A module of its own: the load generator's
 * process loads nothing else of the bench.
 */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
