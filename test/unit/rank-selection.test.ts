import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topNeurons, neuronOrdering } from '../../src/core/rank';
import { GrainError } from '../../src/core/errors';

const f32 = (rows: number[][]) => Float32Array.from(rows.flat());
const arr = (a: Int32Array) => [...a];

test('topNeurons: the example of the brief at 0.5', () => {
  const r = topNeurons(f32([[5, 1, 1], [1, 10, 1]]), 2, 3, 0.5);
  assert.deepEqual(r.perClass.map(arr), [[0], [1]]);
  assert.deepEqual(arr(r.overall), [0, 1]);
});

test('topNeurons: boundary — the neuron that reaches the threshold is in, and selection stops there', () => {
  const w = f32([[2, 1, 1]]); // total 4
  assert.deepEqual(arr(topNeurons(w, 1, 3, 0.5).perClass[0]), [0]); // cum 2 >= 2
  // Just past: the next neuron is needed; of the tied 1s, numpy's argsort()[::-1] puts index 2 first.
  assert.deepEqual(arr(topNeurons(w, 1, 3, 0.51).perClass[0]), [0, 2]);
  assert.deepEqual(arr(topNeurons(w, 1, 3, 0).perClass[0]), [0]); // share 0 still takes one neuron
  assert.deepEqual(arr(topNeurons(w, 1, 3, 1).perClass[0]), [0, 2, 1]);
});

test('topNeurons: uses |w|; share 1 is every neuron, zero weights included', () => {
  const w = f32([[-3, 0, 1], [0, 0, -2]]);
  assert.deepEqual(topNeurons(w, 2, 3, 1).perClass.map(arr), [[0, 2, 1], [2, 1, 0]]);
  // Just below 1 the exact threshold stops at the last non-zero weight.
  assert.deepEqual(topNeurons(w, 2, 3, 0.999).perClass.map(arr), [[0, 2], [2]]);
  assert.deepEqual(arr(topNeurons(w, 2, 3, 0.999).overall), [0, 2]);
  assert.deepEqual(arr(topNeurons(w, 2, 3, 0.5).perClass[0]), [0]);
});

test('bad weights and arguments are GrainErrors', () => {
  assert.throws(() => topNeurons(f32([[1, 2]]), 1, 3, 0.5), (e: unknown) => e instanceof GrainError && /2 values, expected 1 classes x 3 neurons/.test(e.message));
  assert.throws(() => topNeurons(Float32Array.of(1, NaN), 1, 2, 0.5), (e: unknown) => e instanceof GrainError && /class 0, neuron 1 is NaN/.test(e.message));
  assert.throws(() => topNeurons(f32([[1, 2]]), 1, 2, 1.5), GrainError);
  assert.throws(() => neuronOrdering(f32([[1, 2]]), 1, 2, 0), GrainError);
});

// Class 0 spreads its mass over neurons 0..3, class 1 puts all of it on neuron 4, neuron 5 is
// zero for both.
const W6 = f32([[4, 3, 2, 1, 0, 0], [0, 0, 0, 0, 10, 0]]);

test('neuronOrdering: worked example, stride 4', () => {
  // shares 0, .25, .5, .75, 1 -> class 0 takes 1, 1, 2, 3, 4 neurons (cum 4 7 9 10), class 1 one.
  // Share 1 takes all neurons, so the all-zero neuron 5 comes last.
  const r = neuronOrdering(W6, 2, 6, 4, 'neurox');
  assert.deepEqual(arr(r.ordering), [0, 4, 1, 2, 3, 5]);
  assert.deepEqual(arr(r.cutoffs), [2, 2, 3, 4, 6]);
});

test('neuronOrdering agrees with topNeurons at every step (random probe, default stride)', () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
  const C = 5;
  const N = 200;
  const w = Float32Array.from({ length: C * N }, rnd);
  const r = neuronOrdering(w, C, N);
  assert.equal(r.cutoffs.length, 101);
  assert.deepEqual([...r.ordering].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i));
  for (const p of [0, 7, 50, 99, 100]) {
    const top = topNeurons(w, C, N, p / 100).overall;
    const prefix = [...r.ordering.subarray(0, r.cutoffs[p])].sort((a, b) => a - b);
    assert.deepEqual(prefix, [...top], `step ${p}`);
  }
});

// NeuroX's tests/interpretation/test_linear_probe.py, TestGetNeuronOrdering and
// TestGetNeuronOrderingGranular: "Neuron 3 is the most important neuron as it has the highest
// weight in both samples, followed by Neuron 1 which has equal weight in sample 2 but higher
// weight in sample 1, ending with Neuron 2" (1-based), at the default stride of 100.
test('neuronOrdering: NeuroX\'s get_neuron_ordering test case, both orders inside a chunk', () => {
  const w = f32([[4, 1, 5], [1, 1, 10]]);
  for (const within of ['neurox', 'mass'] as const) {
    const r = neuronOrdering(w, 2, 3, 100, within);
    assert.deepEqual(arr(r.ordering), [2, 0, 1], within);
    // Chunks by hand: share 0 takes neuron 2 (each class's largest); class 0 reaches neuron 0 when
    // 5 < 10 * p, first at p = 0.51; class 1 reaches neuron 1 when 10 < 12 * p, first at p = 0.84.
    assert.equal(r.cutoffs.length, 101);
    assert.deepEqual([r.cutoffs[0], r.cutoffs[50], r.cutoffs[51], r.cutoffs[83], r.cutoffs[84], r.cutoffs[100]], [1, 1, 2, 2, 3, 3]);
  }
});

test('inside a chunk: NeuroX\'s sequence is ascending id; by mass, the neuron taken at the smallest share of a class\'s mass comes first', () => {
  // W6, stride 4: the first chunk is {0, 4}, each the largest of its class (entry share 0); neuron
  // 4 holds all of class 1's mass, neuron 0 0.4 of class 0's, so by mass 4 comes first.
  assert.deepEqual(arr(neuronOrdering(W6, 2, 6, 4, 'neurox').ordering), [0, 4, 1, 2, 3, 5]);
  assert.deepEqual(arr(neuronOrdering(W6, 2, 6, 4, 'mass').ordering), [4, 0, 1, 2, 3, 5]);
  assert.deepEqual(arr(neuronOrdering(W6, 2, 6, 4).ordering), [4, 0, 1, 2, 3, 5], 'mass is the default');
  // One class, |w| 1 2 3 4 10 (total 20), stride 2: share 0.5 is reached by neuron 4 alone
  // (cum 10), share 1 adds the rest in one chunk. The mass before each: neuron 3 10/20, neuron 2
  // 14/20, neuron 1 17/20, neuron 0 19/20.
  const one = f32([[1, 2, 3, 4, 10]]);
  assert.deepEqual(arr(neuronOrdering(one, 1, 5, 2, 'neurox').ordering), [4, 0, 1, 2, 3]);
  assert.deepEqual(arr(neuronOrdering(one, 1, 5, 2, 'mass').ordering), [4, 3, 2, 1, 0]);
  assert.deepEqual(arr(neuronOrdering(one, 1, 5, 2, 'mass').cutoffs), [1, 1, 5]);
});

test('by mass, each chunk holds NeuroX\'s neurons in the order a 100 times finer stride gives them (random probe)', () => {
  let s = 777;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
  const C = 4;
  const N = 300;
  const w = Float32Array.from({ length: C * N }, rnd);
  const coarse = neuronOrdering(w, C, N, 10, 'mass');
  const neurox = neuronOrdering(w, C, N, 10, 'neurox');
  const fine = neuronOrdering(w, C, N, 1000, 'mass');
  assert.deepEqual(arr(coarse.cutoffs), arr(neurox.cutoffs), 'the same chunks');
  const finePos = new Int32Array(N);
  fine.ordering.forEach((j, k) => (finePos[j] = k));
  let from = 0;
  for (const to of coarse.cutoffs) {
    const chunk = arr(coarse.ordering.subarray(from, to));
    assert.deepEqual([...chunk].sort((a, b) => a - b), arr(neurox.ordering.subarray(from, to)), 'the same neurons as NeuroX\'s chunk');
    assert.deepEqual(chunk, [...chunk].sort((a, b) => finePos[a] - finePos[b]));
    from = to;
  }
});
