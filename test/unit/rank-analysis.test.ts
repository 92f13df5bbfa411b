import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countBySite, neuronSites } from '../../src/core/neurons';
import {
  localization,
  classOverlap,
  topNeurons,
  topWords,
  topWordsZ,
  chunkedFromMatrix,
  type ChunkedActivations,
} from '../../src/core/rank';
import type { ActivationMatrix } from '../../src/core/activations';
import { GrainError } from '../../src/core/errors';

const f32 = (rows: number[][]) => Float32Array.from(rows.flat());

test('neuronSites and countBySite', () => {
  const sites = (...widths: number[]) => widths.map((width, i) => ({ name: `s${i}`, width }));
  assert.deepEqual([...neuronSites(sites(3, 2, 4))], [0, 0, 0, 1, 1, 2, 2, 2, 2]);
  assert.deepEqual([...countBySite(Int32Array.of(0, 4, 5, 8, 2), sites(3, 2, 4))], [2, 1, 2]);
  assert.deepEqual([...countBySite([], sites(3, 0, 4))], [0, 0, 0]);
  assert.throws(() => countBySite([9], sites(3, 2, 4)), (e: unknown) => e instanceof GrainError && /neuron 9 is out of range \(9 neurons\)/.test(e.message));
});

test('localization: neurons per share of mass, matching topNeurons; effective neuron count', () => {
  const w = f32([[4, 3, -2, 1], [1, 1, 1, -1]]);
  const l = localization(w, 2, 4, [0.5, 0.9, 1]);
  // class 0: cum 4 7 9 10 -> 5 needs 2, 9 needs 3, all 4; class 1: cum 1 2 3 4 -> 2, 4, 4
  assert.deepEqual([...l.counts], [2, 3, 4, 2, 4, 4]);
  assert.deepEqual([...l.fractions], [0.5, 0.75, 1, 0.5, 1, 1]);
  assert.equal(l.counts[0], topNeurons(w, 2, 4, 0.5).perClass[0].length);
  assert.ok(Math.abs(l.effectiveNeurons[0] - 100 / 30) < 1e-12);
  assert.equal(l.effectiveNeurons[1], 4);
  assert.deepEqual([...localization(w, 2, 4).shares], [0.5, 0.9, 0.99]);
});

test('classOverlap: intersections, Jaccard and exclusive neurons', () => {
  const o = classOverlap([Int32Array.of(2, 0, 1), Int32Array.of(3, 2), Int32Array.of(5)]);
  assert.deepEqual([...o.counts], [3, 1, 0, 1, 2, 0, 0, 0, 1]);
  assert.deepEqual([...o.jaccard], [1, 0.25, 0, 0.25, 1, 0, 0, 0, 1]);
  assert.deepEqual(o.exclusive.map((e) => [...e]), [[0, 1], [3], [5]]);
  const empty = classOverlap([new Int32Array(0), new Int32Array(0)]);
  assert.deepEqual([...empty.jaccard], [0, 0, 0, 0]);
});

// Neuron 1 over tokens a b a c: 1 3 1 7 -> mean 3, deviations -2 0 -2 4, population std sqrt(6).
function matrix(): ActivationMatrix {
  return {
    sites: [{ name: 'layer1', kind: 'boundary', width: 2 }],
    neurons: 2,
    tokens: ['a', 'b', 'a', 'c'],
    sentenceOffsets: Uint32Array.of(0, 2, 4),
    data: f32([[9, 1], [9, 3], [9, 1], [9, 7]]),
  };
}

test('topWords follows NeuroX get_top_words: mean |z| per type over the max, strictly above threshold', () => {
  const src = chunkedFromMatrix(matrix());
  const all = topWords(src, 1);
  // mean |z|: a 2/sqrt6, b 0, c 4/sqrt6 -> normalised c 1, a 0.5, b 0 (0 is not above 0.1)
  assert.deepEqual(all.words, ['c', 'a']);
  assert.deepEqual([...all.scores], [1, 0.5]);
  assert.deepEqual(topWords(src, 1, { n: 1 }).words, ['c']);
  assert.deepEqual(topWords(src, 1, { minThreshold: 0.5 }).words, ['c']);
  assert.deepEqual(topWords(src, 1, { minThreshold: 0.49 }).words, ['c', 'a']);
  assert.throws(() => topWords(src, 1, { n: 1, minThreshold: 0.2 }), GrainError);
});

test('topWordsZ: signed mean z per type, direction and minimum count', () => {
  const src = chunkedFromMatrix(matrix());
  const s6 = Math.sqrt(6);
  const high = topWordsZ(src, 1);
  assert.deepEqual(high.words, ['c', 'b', 'a']);
  assert.deepEqual([...high.meanZ], [4 / s6, 0, -2 / s6]);
  assert.deepEqual([...high.counts], [1, 1, 2]);
  assert.equal(high.mean, 3);
  assert.equal(high.std, s6);
  assert.deepEqual(topWordsZ(src, 1, { direction: 'low' }).words, ['a', 'b', 'c']);
  assert.deepEqual(topWordsZ(src, 1, { direction: 'both', n: 2 }).words, ['c', 'a']);
  assert.deepEqual(topWordsZ(src, 1, { minCount: 2 }).words, ['a']);
});

test('topWords: same answer whatever the chunk size; float64 statistics on a large offset', () => {
  const n = 1000;
  const tokens = Array.from({ length: n }, (_, i) => `w${i % 37}`);
  const data = new Float32Array(n * 3);
  // A large common offset: float32 sums would lose the small differences.
  for (let i = 0; i < n; i++) data[i * 3 + 2] = 10000 + ((i * 7919) % 101) / 64;
  const m: ActivationMatrix = { sites: [{ name: 's', kind: 'custom', width: 3 }], neurons: 3, tokens, sentenceOffsets: Uint32Array.of(0, n), data };
  const ref = topWordsZ(chunkedFromMatrix(m), 2, { n: 0, chunkRows: n });
  for (const rows of [1, 7, 333]) {
    const r = topWordsZ(chunkedFromMatrix(m), 2, { n: 0, chunkRows: rows });
    assert.deepEqual(r.words, ref.words);
    assert.deepEqual(r.meanZ, ref.meanZ);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i * 3 + 2];
  assert.equal(ref.mean, sum / n);
  // Mean z over all types weighted by count is 0 by construction.
  let zsum = 0;
  ref.meanZ.forEach((z, i) => (zsum += z * ref.counts[i]));
  assert.ok(Math.abs(zsum) < 1e-9, `${zsum}`);
});

test('topWords: bad sources and constant neurons are GrainErrors', () => {
  const m = matrix();
  assert.throws(() => topWords(chunkedFromMatrix(m), 0), (e: unknown) => e instanceof GrainError && /neuron 0 has the same activation \(9\)/.test(e.message));
  assert.throws(() => topWords(chunkedFromMatrix(m), 2), (e: unknown) => e instanceof GrainError && /out of range/.test(e.message));
  const skip: ChunkedActivations = { tokens: m.tokens, neurons: 2, *chunks() { yield { start: 0, rows: 1, data: m.data.subarray(0, 2) }; yield { start: 2, rows: 2, data: m.data.subarray(4, 8) }; } };
  assert.throws(() => topWords(skip, 1), (e: unknown) => e instanceof GrainError && /expected row 1, got 2/.test(e.message));
  const short: ChunkedActivations = { tokens: m.tokens, neurons: 2, *chunks() { yield { start: 0, rows: 3, data: m.data.subarray(0, 6) }; } };
  assert.throws(() => topWords(short, 1), (e: unknown) => e instanceof GrainError && /3 rows for 4 tokens/.test(e.message));
  const nan = matrix();
  nan.data[5] = NaN;
  assert.throws(() => topWords(chunkedFromMatrix(nan), 1), (e: unknown) => e instanceof GrainError && /row 2 \('a'\) is NaN/.test(e.message));
});
