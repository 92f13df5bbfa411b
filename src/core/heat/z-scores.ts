/**
 * Heat-map colours as z-scores against corpus statistics: a value means the same colour in
 * every file, because it is measured in the neuron's own corpus standard deviations.
 */

/** |z| thresholds of the heat bins: below the first a word stays uncoloured. */
export const HEAT_EDGES: readonly number[] = [0.5, 1, 1.5, 2, 3];

/** z-score of a value; 0 when the neuron never varied in the corpus (or anything is not finite). */
export function zScore(value: number, mean: number, std: number): number {
  if (!(std > 0) || !Number.isFinite(value) || !Number.isFinite(mean)) return 0;
  const z = (value - mean) / std;
  return Number.isFinite(z) ? z : 0;
}

/**
 * Signed bin of a z-score: 0 for |z| below the first edge, k (1..edges.length) for |z| at or
 * above the k-th edge, negative for negative z. NaN is bin 0.
 */
export function heatBin(z: number, edges: readonly number[] = HEAT_EDGES): number {
  if (!(Math.abs(z) >= edges[0])) return 0;
  const a = Math.abs(z);
  let k = 0;
  while (k < edges.length && a >= edges[k]) k++;
  return z < 0 ? -k : k;
}

/**
 * The k neurons of one row with the largest |z|, strongest first (ties: lower id first).
 * Writes ids and z-scores at `outOffset` of the output arrays; returns how many were written
 * (min(k, neurons)).
 */
export function topByAbsZ(
  data: Float32Array,
  rowOffset: number,
  neurons: number,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  k: number,
  outIds: Int32Array,
  outZ: Float32Array,
  outOffset: number,
): number {
  const n = Math.min(k, neurons);
  if (n <= 0) return 0;
  // Partial selection by insertion into a small sorted buffer: k is small (a hover's worth).
  let count = 0;
  const ids = new Int32Array(n);
  const abs = new Float64Array(n);
  const zs = new Float64Array(n);
  for (let j = 0; j < neurons; j++) {
    const z = zScore(data[rowOffset + j], mean[j], std[j]);
    const a = Math.abs(z);
    if (count === n && !(a > abs[n - 1])) continue;
    let i = count < n ? count++ : n - 1;
    while (i > 0 && a > abs[i - 1]) {
      abs[i] = abs[i - 1];
      ids[i] = ids[i - 1];
      zs[i] = zs[i - 1];
      i--;
    }
    abs[i] = a;
    ids[i] = j;
    zs[i] = z;
  }
  for (let i = 0; i < count; i++) {
    outIds[outOffset + i] = ids[i];
    outZ[outOffset + i] = zs[i];
  }
  return count;
}
