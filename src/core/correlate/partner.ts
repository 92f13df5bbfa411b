/**
 * One neuron against every neuron of another model over the same words: its partner (largest
 * |Pearson r|, as MaxCorr picks it), and where the two disagree, as the difference of their
 * z-scores over those words. Sums in float64; a constant neuron correlates 0 and has z 0.
 */

/** Rows to use: all, or those whose mask is 1. */
function used(mask: ArrayLike<number> | undefined, r: number): boolean {
  return !mask || mask[r] === 1;
}

/** Pearson r of `x` (one value per row) with each of the `n` columns of `y` (rows x n, row-major), over the used rows. */
export function correlateWithColumns(x: ArrayLike<number>, y: Float32Array, rows: number, n: number, mask?: ArrayLike<number>): Float64Array {
  let count = 0;
  let sx = 0;
  const sy = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    if (!used(mask, r)) continue;
    count++;
    sx += x[r];
    const base = r * n;
    for (let j = 0; j < n; j++) sy[j] += y[base + j];
  }
  const out = new Float64Array(n);
  if (count < 2) return out;
  const mx = sx / count;
  const my = sy.map((s) => s / count);
  let vx = 0;
  const vy = new Float64Array(n);
  const cxy = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    if (!used(mask, r)) continue;
    const dx = x[r] - mx;
    vx += dx * dx;
    const base = r * n;
    for (let j = 0; j < n; j++) {
      const dy = y[base + j] - my[j];
      vy[j] += dy * dy;
      cxy[j] += dx * dy;
    }
  }
  for (let j = 0; j < n; j++) {
    const den = Math.sqrt(vx * vy[j]);
    const r = den > 0 ? cxy[j] / den : 0;
    out[j] = r > 1 ? 1 : r < -1 ? -1 : r;
  }
  return out;
}

/** The column with the largest |r| (the lowest id among equals), and its signed r. */
export function bestPartner(r: ArrayLike<number>): { neuron: number; r: number } {
  let best = 0;
  for (let j = 1; j < r.length; j++) if (Math.abs(r[j]) > Math.abs(r[best])) best = j;
  return { neuron: best, r: r[best] ?? 0 };
}

/** z-scores over the used rows (mean 0, population standard deviation 1); 0 on other rows and for a constant neuron. */
export function standardize(x: ArrayLike<number>, rows: number, mask?: ArrayLike<number>): Float32Array {
  let count = 0;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    if (!used(mask, r)) continue;
    count++;
    s += x[r];
  }
  const z = new Float32Array(rows);
  if (count === 0) return z;
  const mean = s / count;
  let v = 0;
  for (let r = 0; r < rows; r++) if (used(mask, r)) v += (x[r] - mean) ** 2;
  const std = Math.sqrt(v / count);
  if (!(std > 0)) return z;
  for (let r = 0; r < rows; r++) if (used(mask, r)) z[r] = (x[r] - mean) / std;
  return z;
}

/**
 * Where two standardised neurons disagree: z - sign(r) * zPartner per row, so that a partner
 * that runs opposite (r < 0) disagrees where it does not mirror the neuron.
 */
export function zDifference(z: ArrayLike<number>, zPartner: ArrayLike<number>, r: number): Float32Array {
  const sign = r < 0 ? -1 : 1;
  const d = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) d[i] = z[i] - sign * zPartner[i];
  return d;
}
