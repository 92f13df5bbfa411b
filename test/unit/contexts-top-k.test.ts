// Top and bottom contexts in one streaming pass against a brute-force sort of the same numbers:
// random values with many ties, k larger than the rows, several sentences per chunk, any chunking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SiteInfo } from '../../src/core/activations';
import { ColumnTopK, sentenceOfRow, TopContextsAccumulator } from '../../src/core/contexts/top-k';
import { seededRng } from '../../src/core/random';

/** rows x neurons float32 values; `levels` > 0 draws from that many distinct values (ties). */
function randomData(rows: number, neurons: number, seed: number, levels = 0): Float32Array {
  const r = seededRng(seed);
  const data = new Float32Array(rows * neurons);
  for (let i = 0; i < data.length; i++) data[i] = levels > 0 ? Math.floor(r() * levels) - levels / 2 : (r() - 0.5) * 10;
  return data;
}

/** The expected answer: sort every (value, row) of a column, larger value first, earlier row on ties. */
function bruteForce(data: Float32Array, rows: number, neurons: number, j: number, k: number, bottom: boolean) {
  const pairs: { v: number; row: number }[] = [];
  for (let r = 0; r < rows; r++) if (!Number.isNaN(data[r * neurons + j])) pairs.push({ v: data[r * neurons + j], row: r });
  pairs.sort((a, b) => (bottom ? a.v - b.v : b.v - a.v) || a.row - b.row);
  return pairs.slice(0, k);
}

function check(acc: TopContextsAccumulator, data: Float32Array, rows: number, neurons: number, k: number): void {
  const res = acc.result();
  assert.equal(res.rows, rows);
  for (let j = 0; j < neurons; j++) {
    for (const bottom of [false, true]) {
      const want = bruteForce(data, rows, neurons, j, k, bottom);
      const n = bottom ? res.bottomCount[j] : res.topCount[j];
      const values = (bottom ? res.bottomValues : res.topValues).subarray(j * k, j * k + n);
      const got = (bottom ? res.bottomRows : res.topRows).subarray(j * k, j * k + n);
      assert.deepEqual(Array.from(got), want.map((p) => p.row), `neuron ${j} ${bottom ? 'bottom' : 'top'} rows`);
      assert.deepEqual(Array.from(values), want.map((p) => p.v), `neuron ${j} ${bottom ? 'bottom' : 'top'} values`);
    }
  }
}

const sites = (neurons: number): SiteInfo[] => [{ name: 'layer1', kind: 'boundary', width: neurons }];

test('top-k and bottom-k of continuous random values equal a full sort, fed one sentence at a time', async () => {
  const rows = 500;
  const neurons = 13;
  const k = 7;
  const data = randomData(rows, neurons, 1);
  const acc = new TopContextsAccumulator(k);
  await acc.begin(sites(neurons));
  const r = seededRng(2);
  const offsets = [0];
  for (let at = 0; at < rows; ) {
    const len = Math.min(rows - at, 1 + Math.floor(r() * 30));
    acc.appendRows(Array(len).fill('w'), data.subarray(at * neurons, (at + len) * neurons));
    acc.endSentence();
    at += len;
    offsets.push(at);
  }
  check(acc, data, rows, neurons, k);
  assert.deepEqual(Array.from(acc.result().sentenceOffsets), offsets);
});

test('ties: among equal values the earlier row comes first, at the top and at the bottom', () => {
  // Five levels over 400 rows: every kept value is tied with many others.
  const rows = 400;
  const neurons = 9;
  const k = 12;
  const data = randomData(rows, neurons, 3, 5);
  const acc = new TopContextsAccumulator(k);
  acc.reset(neurons);
  acc.addRows(data, rows);
  check(acc, data, rows, neurons, k);
  // A constant neuron: the first k rows at both ends.
  const flat = new Float32Array(50 * 2).fill(1);
  const c = new TopContextsAccumulator(4);
  c.reset(2);
  c.addRows(flat, 50);
  const res = c.result();
  assert.deepEqual(Array.from(res.topRows.subarray(0, 4)), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(res.bottomRows.subarray(4, 8)), [0, 1, 2, 3]);
  assert.equal(res.stats.std[0], 0);
});

test('k larger than the number of rows keeps every row, sorted', () => {
  const rows = 6;
  const neurons = 4;
  const k = 10;
  const data = randomData(rows, neurons, 4, 3);
  const acc = new TopContextsAccumulator(k);
  acc.reset(neurons);
  acc.addRows(data, rows);
  const res = acc.result();
  for (let j = 0; j < neurons; j++) {
    assert.equal(res.topCount[j], rows);
    assert.equal(res.bottomCount[j], rows);
    // The unfilled places say so.
    assert.deepEqual(Array.from(res.topRows.subarray(j * k + rows, (j + 1) * k)), [-1, -1, -1, -1]);
  }
  check(acc, data, rows, neurons, k);
});

test('chunks of several sentences give the same answer as one row at a time, and rows map back to their sentence', () => {
  const rows = 700;
  const neurons = 11;
  const k = 5;
  const data = randomData(rows, neurons, 5, 40);
  const oneByOne = new TopContextsAccumulator(k);
  oneByOne.reset(neurons);
  for (let r = 0; r < rows; r++) oneByOne.addRows(data.subarray(r * neurons, (r + 1) * neurons), 1);
  const chunked = new TopContextsAccumulator(k);
  chunked.reset(neurons);
  const rng = seededRng(6);
  for (let at = 0; at < rows; ) {
    const len = Math.min(rows - at, 1 + Math.floor(rng() * 120));
    chunked.addRows(data.subarray(at * neurons, (at + len) * neurons), len);
    at += len;
  }
  const a = oneByOne.result();
  const b = chunked.result();
  assert.deepEqual(b.topRows, a.topRows);
  assert.deepEqual(b.bottomValues, a.bottomValues);
  assert.deepEqual(b.stats.mean, a.stats.mean);
  check(chunked, data, rows, neurons, k);

  // Sentences of 1 to 9 words (and an empty one): each row's sentence by binary search.
  const offsets = [0, 0];
  while (offsets.at(-1)! < rows) offsets.push(Math.min(rows, offsets.at(-1)! + 1 + Math.floor(rng() * 9)));
  for (let r = 0; r < rows; r++) {
    const s = sentenceOfRow(offsets, r);
    assert.ok(offsets[s]! <= r && r < offsets[s + 1]!, `row ${r} in sentence ${s}`);
  }
  assert.throws(() => sentenceOfRow(offsets, rows), /outside/);
});

test('mean and standard deviation come from the same pass; NaN never enters a heap', () => {
  const rows = 300;
  const neurons = 3;
  const data = randomData(rows, neurons, 7);
  const acc = new TopContextsAccumulator(3);
  acc.reset(neurons);
  acc.addRows(data, rows);
  const res = acc.result();
  for (let j = 0; j < neurons; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * neurons + j]!;
    const mean = s / rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (data[r * neurons + j]! - mean) ** 2;
    assert.ok(Math.abs(res.stats.mean[j]! - mean) < 1e-9);
    assert.ok(Math.abs(res.stats.std[j]! - Math.sqrt(ss / rows)) < 1e-9);
  }
  const heaps = new ColumnTopK(1, 3);
  for (const [i, v] of [1, Number.NaN, 3, Number.NaN, 2, 5].entries()) if (v > heaps.threshold[0]!) heaps.push(0, v, i);
  assert.deepEqual(Array.from(heaps.sorted(0).values), [5, 3, 2]);
  assert.throws(() => new TopContextsAccumulator(0), /whole number from 1/);
});
