/**
 * Batches of sentence indices, shortest first within a window of the corpus so that padding is
 * small while results can still be written in the original order window by window. A batch
 * also stops at `maxPositions` padded positions (rows x its longest length), so that the
 * runtime's memory follows the positions in a batch, not the sentence count times the window:
 * 32 windows of 512 positions from one long line made batches twelve times the usual size.
 */
export function planBatches(lengths: Int32Array, from: number, to: number, batchSize: number, sameLengthOnly: boolean, maxPositions = Infinity): number[][] {
  const order: number[] = [];
  for (let i = from; i < to; i++) order.push(i);
  order.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const full = current.length >= batchSize || (current.length > 0 && (current.length + 1) * lengths[i] > maxPositions);
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
