/**
 * Batches of sentence indices, shortest first within a window of the corpus so that padding is
 * small while results can still be written in the original order window by window.
 */
export function planBatches(lengths: Int32Array, from: number, to: number, batchSize: number, sameLengthOnly: boolean): number[][] {
  const order: number[] = [];
  for (let i = from; i < to; i++) order.push(i);
  order.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const full = current.length >= batchSize;
    const lengthChanges = sameLengthOnly && current.length > 0 && lengths[current[0]] !== lengths[i];
    if (full || lengthChanges) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
