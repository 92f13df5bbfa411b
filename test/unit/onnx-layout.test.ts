import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrainError } from '../../src/core/errors';
import { copyUnits, detectLayout } from '../../src/core/onnx';

/** A buffer whose value at (b, p, u) is b*100 + p*10 + u/1000, laid out as `dims` with axes given. */
function fill(dims: number[], batchAxis: number, posAxis: number): Float32Array {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const idx = new Array(dims.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let r = i;
    for (let k = dims.length - 1; k >= 0; k--) {
      idx[k] = r % dims[k];
      r = Math.floor(r / dims[k]);
    }
    data[i] = idx[batchAxis] * 100 + idx[posAxis] * 10 + idx[dims.length - 1] / 1000;
  }
  return data;
}

function assertReads(dims: number[], batchAxis: number, posAxis: number, batch: number, seq: number, known?: 'bsh' | 'sbh') {
  const layout = detectLayout(dims, batch, seq, known);
  const data = fill(dims, batchAxis, posAxis);
  const row = new Float32Array(layout.width);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < seq; p++) {
      copyUnits(data, layout, b, p, row, 0);
      for (let u = 0; u < row.length; u++) assert.ok(Math.abs(row[u] - (b * 100 + p * 10 + u / 1000)) < 1e-4);
    }
  }
  return layout;
}

test('probe: batch-major, time-major and LSTM [seq, 1, batch, units]', () => {
  const bsh = assertReads([2, 3, 5], 0, 1, 2, 3);
  assert.deepEqual(bsh, { layout: 'bsh', width: 5, batchStride: 15, positionStride: 5, unitStride: 1, squeezed: [] });
  const sbh = assertReads([3, 2, 5], 1, 0, 2, 3);
  assert.deepEqual(sbh, { layout: 'sbh', width: 5, batchStride: 5, positionStride: 10, unitStride: 1, squeezed: [] });
  const lstm = assertReads([3, 1, 2, 5], 2, 0, 2, 3);
  assert.deepEqual(lstm, { layout: 'sbh', width: 5, batchStride: 5, positionStride: 10, unitStride: 1, squeezed: [1] });
});

test('later runs use the probed kind, even with batch 1 or batch == seq', () => {
  assertReads([1, 7, 4], 0, 1, 1, 7, 'bsh');
  assertReads([7, 1, 4], 1, 0, 1, 7, 'sbh');
  assertReads([7, 1, 1, 4], 2, 0, 1, 7, 'sbh');
  assertReads([3, 3, 4], 1, 0, 3, 3, 'sbh');
  assertReads([3, 3, 4], 0, 1, 3, 3, 'bsh');
  assertReads([2, 1, 1, 4], 2, 0, 1, 2, 'sbh');
});

test('dims that fit neither layout are a GrainError that shows them', () => {
  const cases: [number[], number, number, ('bsh' | 'sbh')?][] = [
    [[6, 5], 2, 3],
    [[3, 2, 2, 5], 2, 3],
    [[2, 4, 5], 2, 3],
    [[2, 3, 5], 2, 3, 'sbh'],
    [[2, 3, 8, 5], 2, 3],
  ];
  for (const [dims, b, s, known] of cases) {
    assert.throws(() => detectLayout(dims, b, s, known, 'site'), (e: unknown) => e instanceof GrainError && e.message.includes(`[${dims.join(', ')}]`) && e.message.includes("'site'"));
  }
  assert.throws(() => detectLayout([3, 3, 5], 3, 3), /batch != seq/);
  assert.throws(() => detectLayout([1, 3, 5], 1, 3), /batch != seq/);
});
