/** Adds the bias and turns logits into probabilities in place; returns nothing. */
export function softmaxRows(logits: Float32Array, rows: number, classes: number, offset: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c] + offset[c];
      logits[base + c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c] - max);
      logits[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) logits[base + c] /= sum;
  }
}
