import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAT_EDGES, heatBin, topByAbsZ, zScore } from '../../src/core/heat/z-scores';
import { mergeIntervals, planLines } from '../../src/core/heat/line-ranges';
import { NeuronStatsAccumulator } from '../../src/core/heat/neuron-stats';

test('zScore: scaled by the corpus std, 0 for a neuron that never varied', () => {
  assert.equal(zScore(3, 1, 0.5), 4);
  assert.equal(zScore(-1, 1, 2), -1);
  assert.equal(zScore(5, 1, 0), 0);
  assert.equal(zScore(NaN, 1, 1), 0);
  assert.equal(zScore(1, 1, Infinity), 0);
});

test('heatBin: symmetric bins at the edges, none below the first edge', () => {
  assert.deepEqual(HEAT_EDGES, [0.5, 1, 1.5, 2, 3]);
  const cases: [number, number][] = [
    [0, 0], [0.49, 0], [0.5, 1], [0.99, 1], [1, 2], [1.49, 2], [1.5, 3], [2, 4], [2.99, 4], [3, 5], [40, 5],
    [-0.49, 0], [-0.5, -1], [-1.2, -2], [-3, -5], [NaN, 0], [Infinity, 5], [-Infinity, -5],
  ];
  for (const [z, bin] of cases) assert.equal(heatBin(z), bin, `z=${z}`);
  assert.equal(heatBin(1, [2]), 0);
  assert.equal(heatBin(-2, [2]), -1);
});

test('topByAbsZ: the k largest |z|, strongest first, ties by lower id', () => {
  const data = Float32Array.from([99, 0, -3, 2, 4, -1, 3]);
  const mean = [9, 0, 0, 0, 0, 0];
  const std = [1, 1, 1, 1, 0.1, 1];
  const ids = new Int32Array(8).fill(-1);
  const z = new Float32Array(8);
  const got = topByAbsZ(data, 1, 6, mean, std, 4, ids, z, 2);
  // row = data[1..7) = [0,-3,2,4,-1,3]: z = [-9,-3,2,4,-10,3]; |-3| and |3| tie, the lower id wins
  assert.equal(got, 4);
  assert.deepEqual(Array.from(ids.subarray(2, 6)), [4, 0, 3, 1]);
  assert.deepEqual(Array.from(z.subarray(2, 6)).map((v) => Math.round(v * 1e4) / 1e4), [-10, -9, 4, -3]);
  assert.deepEqual(Array.from(ids.subarray(0, 2)), [-1, -1]);
});

test('topByAbsZ: k larger than the neurons returns all of them', () => {
  const ids = new Int32Array(3);
  const z = new Float32Array(3);
  assert.equal(topByAbsZ(Float32Array.from([1, -2]), 0, 2, [0, 0], [1, 1], 3, ids, z, 0), 2);
  assert.deepEqual(Array.from(ids.subarray(0, 2)), [1, 0]);
  assert.deepEqual(Array.from(z.subarray(0, 2)), [-2, 1]);
});


test('mergeIntervals: overlapping and adjacent ranges merge, empty ones vanish', () => {
  assert.deepEqual(mergeIntervals([{ start: 10, end: 20 }, { start: 0, end: 5 }, { start: 5, end: 7 }, { start: 15, end: 30 }, { start: 40, end: 40 }]), [
    { start: 0, end: 7 },
    { start: 10, end: 30 },
  ]);
});

test('planLines: a small file is computed whole; a large one around the visible ranges', () => {
  const small = planLines({ lineCount: 5, size: 100, maxFileSize: 1000, visible: [{ start: 1, end: 2 }], margin: 1 });
  assert.equal(small.mode, 'full');
  assert.deepEqual(small.lines, [0, 1, 2, 3, 4]);

  const large = planLines({ lineCount: 1000, size: 5000, maxFileSize: 1000, visible: [{ start: 100, end: 140 }, { start: 990, end: 1000 }], margin: 20 });
  assert.equal(large.mode, 'visible');
  assert.deepEqual(large.ranges, [{ start: 80, end: 160 }, { start: 970, end: 1000 }]);
  assert.equal(large.lines.length, 80 + 30);

  // After a scroll, lines computed before are not planned again.
  const done = new Set(large.lines);
  const scrolled = planLines({ lineCount: 1000, size: 5000, maxFileSize: 1000, visible: [{ start: 130, end: 170 }], margin: 20, done: (l) => done.has(l) });
  assert.deepEqual(scrolled.lines, Array.from({ length: 30 }, (_, i) => 160 + i));
  assert.deepEqual(planLines({ lineCount: 0, size: 0, maxFileSize: 10, visible: [], margin: 5 }).lines, []);
});

test('NeuronStatsAccumulator: mean and population std in float64, even with a large offset', async () => {
  const acc = new NeuronStatsAccumulator();
  await acc.begin([{ name: 's', kind: 'custom', width: 2 }]);
  const base = 1e4;
  const col0 = [base + 1, base + 2, base + 3, base + 4];
  const col1 = [-1, 1, -1, 1];
  acc.appendRows(['a', 'b'], Float32Array.from([col0[0], col1[0], col0[1], col1[1]]));
  acc.appendRows(['c', 'd'], Float32Array.from([col0[2], col1[2], col0[3], col1[3]]));
  const s = acc.result();
  assert.equal(s.rows, 4);
  assert.equal(s.mean[0], base + 2.5);
  assert.equal(s.mean[1], 0);
  assert.ok(Math.abs(s.std[0] - Math.sqrt(1.25)) < 1e-12);
  assert.equal(s.std[1], 1);
});
