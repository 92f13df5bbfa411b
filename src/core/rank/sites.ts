import { GrainError } from '../errors';

/** Site (layer) index of every neuron, for sites of the given widths in column order. */
export function neuronSites(widths: readonly number[]): Int32Array {
  const total = checkWidths(widths);
  const site = new Int32Array(total);
  let at = 0;
  widths.forEach((w, s) => {
    site.fill(s, at, at + w);
    at += w;
  });
  return site;
}

/** How many of the given neurons fall in each site (layer). */
export function countBySite(neuronIds: ArrayLike<number>, widths: readonly number[]): Int32Array {
  const site = neuronSites(widths);
  const counts = new Int32Array(widths.length);
  for (let i = 0; i < neuronIds.length; i++) {
    const j = neuronIds[i];
    if (!Number.isInteger(j) || j < 0 || j >= site.length) throw new GrainError(`neuron ${j} is out of range (${site.length} neurons)`);
    counts[site[j]]++;
  }
  return counts;
}

function checkWidths(widths: readonly number[]): number {
  let total = 0;
  for (const w of widths) {
    if (!Number.isInteger(w) || w < 0) throw new GrainError(`site width must be a non-negative integer, got ${w}`);
    total += w;
  }
  return total;
}
