/**
 * Softmax cross-entropy over a batch of logits [rows x classes], in place: logits become the
 * gradient of the mean loss, (P - onehot) / rows. Returns the summed (not mean) loss and the
 * number of correct argmax predictions, so callers can aggregate over batches.
 */
export function softmaxCrossEntropyGrad(
  logits: Float32Array,
  y: Int32Array,
  rows: number,
  classes: number,
  offset: Float32Array,
  scale: number,
): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c] + offset[c];
      logits[base + c] = v;
      if (v > max) {
        max = v;
        arg = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c] - max);
      logits[base + c] = e;
      sum += e;
    }
    const label = y[r];
    if (arg === label) correct++;
    const inv = 1 / sum;
    loss += -Math.log(Math.max(logits[base + label] * inv, 1e-30));
    for (let c = 0; c < classes; c++) logits[base + c] = logits[base + c] * inv * scale;
    logits[base + label] -= scale;
  }
  return { loss, correct };
}

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
