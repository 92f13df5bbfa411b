import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGemm, type Gemm } from '../../src/core/linalg/gemm';
import { arraySource } from '../../src/core/probe/data';
import { seededRng } from '../../src/core/random';
import {
  classExclusivity,
  controlSelectivity,
  layerwiseProbes,
  localizationByClass,
  minimalSubset,
  retrainSubsets,
  topWordsPerNeuron,
  trainFullProbe,
  zeroOutSubsets,
  type FullProbe,
  type ProbeTask,
} from '../../src/core/experiments';

const N = 30;
const PLANTED = [4, 13, 22]; // class c is signalled by neuron PLANTED[c]

function data(rows: number, seed: number) {
  const rng = seededRng(seed);
  const x = new Float32Array(rows * N);
  const y = new Int32Array(rows);
  const tokens: string[] = [];
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(rng() * 3);
    y[r] = c;
    tokens.push(`w${c}_${r % 4}`);
    for (let j = 0; j < N; j++) x[r * N + j] = rng() * 2 - 1 + (j === PLANTED[c] ? 2 : 0);
  }
  return { x, y, tokens };
}

let gemm: Gemm;
let task: ProbeTask;
let full: FullProbe;
before(async () => {
  gemm = await createGemm();
  const tr = data(3000, 1);
  const te = data(1000, 2);
  task = {
    train: arraySource(tr.x, 3000, N, { tokens: tr.tokens }),
    yTrain: tr.y,
    test: arraySource(te.x, 1000, N),
    yTest: te.y,
    classes: 3,
    classNames: ['A', 'B', 'C'],
    gemm,
    probe: { lambdaL1: 1e-3, lambdaL2: 1e-3, seed: 3 },
  };
  full = await trainFullProbe(task);
});
after(async () => {
  await gemm.dispose();
});

test('full probe: high accuracy, planted neurons first in the ordering', () => {
  assert.ok(full.result.accuracy > 0.95, `accuracy ${full.result.accuracy}`);
  assert.equal(full.result.ordering.length, N);
  assert.deepEqual(full.result.ordering.slice(0, 3).sort((a, b) => a - b), PLANTED);
  assert.ok(Math.abs(full.result.majorityBaseline - 1 / 3) < 0.05);
  assert.doesNotThrow(() => JSON.stringify(full.result));
});

test('retrained top 10% beats random and bottom; zero-out keeps top, loses bottom', async () => {
  const r = await retrainSubsets(task, full, [10, 20]);
  assert.equal(r.rows[0].count, 3);
  assert.ok(r.rows[0].top > 0.95, `top ${r.rows[0].top}`);
  assert.ok(r.rows[0].bottom < 0.45, `bottom ${r.rows[0].bottom}`);
  assert.ok(r.rows[0].top > r.rows[0].random);
  const z = await zeroOutSubsets(task, full, [10]);
  assert.ok(z.rows[0].top > 0.9, `zero-out top ${z.rows[0].top}`);
  assert.ok(z.rows[0].bottom < 0.45, `zero-out bottom ${z.rows[0].bottom}`);
});

test('minimal subset finds the three planted neurons', async () => {
  const m = await minimalSubset(task, full, { tolerance: 0.005, step: 0.2 });
  assert.equal(m.count, 3);
  assert.deepEqual([...m.neurons].sort((a, b) => a - b), PLANTED);
  assert.ok(m.accuracy >= m.target);
  // Coarse 6 neurons passes, then bisection 3 passes, 1 and 2 fail.
  assert.ok(m.trials.some((t) => t.neurons === 2 && t.accuracy < m.target));
});

test('localization and exclusivity: every class spreads its mass over the same three planted neurons', () => {
  // Softmax weights: + on the own neuron, - on the other two planted ones, ~0 elsewhere.
  const loc = localizationByClass(full, task.classNames, [0.8]);
  for (const c of loc.classes) {
    assert.equal(c.counts[0], 3, `${c.className}: ${c.counts}`);
    assert.ok(c.effectiveNeurons > 2.5 && c.effectiveNeurons < 5, `${c.effectiveNeurons}`);
  }
  const ex = classExclusivity(full, task.classNames, 0.8);
  for (const p of ex.perClass) {
    assert.equal(p.top, 3);
    assert.equal(p.exclusive, 0);
  }
  assert.deepEqual(ex.jaccard, [[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
});

test('layer-wise: only the site holding the planted neurons probes well', async () => {
  const sites = [
    { name: 'noise', kind: 'custom' as const, width: 4 },
    { name: 'signal', kind: 'custom' as const, width: 19 },
    { name: 'half', kind: 'custom' as const, width: 7 },
  ];
  const r = await layerwiseProbes(task, sites, full.result.accuracy);
  assert.deepEqual(r.sites.map((s) => s.site), ['noise', 'signal', 'half']);
  assert.ok(r.sites[0].accuracy < 0.45);
  assert.ok(r.sites[1].accuracy > 0.9); // neurons 4..22: all three planted
  assert.ok(r.sites[2].accuracy < 0.45); // 23..29: none planted
});

test('control task: selectivity is task minus control', async () => {
  const rng = seededRng(5);
  const yc = task.yTrain.map(() => Math.floor(rng() * 3));
  const ytc = task.yTest.map(() => Math.floor(rng() * 3));
  const s = await controlSelectivity(task, yc, ytc, undefined, full.result.accuracy);
  assert.ok(s.controlAccuracy < 0.4, `control ${s.controlAccuracy}`);
  assert.equal(s.selectivity, s.taskAccuracy - s.controlAccuracy);
  assert.ok(s.selectivity > 0.5);
});

test('top words of a planted neuron are its class words', () => {
  const tr = data(3000, 1);
  const src = { tokens: tr.tokens, neurons: N, chunks: arraySource(tr.x, 3000, N).chunks };
  const [w] = topWordsPerNeuron(src as never, [PLANTED[1]], { n: 3 });
  assert.equal(w.neuron, PLANTED[1]);
  assert.ok(w.words.length > 0 && w.words.every((t) => t.startsWith('w1_')), w.words.join(' '));
});
