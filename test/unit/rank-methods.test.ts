// The probe-free neuron rankings against NeuroX's own test cases: its unit tests
// (tests/interpretation/test_probeless.py, test_iou_probe.py, test_gaussian_probe.py) and the
// rankings NeuroX recorded for the random cases of test_rankings_v2.py, whose matrices are
// rebuilt here bit for bit (numpy's and Python's Mersenne Twister, test/helpers/python-random.ts).
// Clustering has no NeuroX test: its cases were computed with scipy (numbers below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arraySource, loadProbeData, type ProbeData } from '../../src/core/probe/data';
import { probelessRanking } from '../../src/core/rank/probeless';
import { iouRanking } from '../../src/core/rank/iou';
import { gaussianRanking } from '../../src/core/rank/gaussian';
import { averageLinkage, correlationClusters, flatClusters } from '../../src/core/rank/clustering';
import { rankingAgreement, topCount } from '../../src/core/rank/agreement';
import { orderByScore } from '../../src/core/rank/labelled-rows';
import { seededRng } from '../../src/core/random';
import { GrainError } from '../../src/core/errors';
import { neuroxRankingCases, NumpyRandom, PythonRandom } from '../helpers/python-random';
import { referenceGreedy } from '../helpers/gaussian-reference';

const snapshot = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'neurox', 'rankings-v2.json'), 'utf8')) as { rankings: Record<string, number[]> };
const expected = (name: string): number[] => {
  const r = snapshot.rankings[name];
  assert.ok(r, `no ${name} in the fixture`);
  return r;
};

async function dataOf(rows: number[][], y: number[], classes?: number): Promise<ProbeData> {
  return loadProbeData(arraySource(Float32Array.from(rows.flat()), rows.length, rows[0]!.length), Int32Array.from(y), { classes });
}

async function caseData(c: { X: Float64Array; y: Int32Array; rows: number; neurons: number; classes: number }): Promise<ProbeData> {
  return loadProbeData(arraySource(Float32Array.from(c.X), c.rows, c.neurons), c.y, { classes: c.classes });
}

const ids = (a: ArrayLike<number>) => Array.from(a);

test('the generators reproduce numpy and Python (values printed by numpy 2.4 / CPython 3)', () => {
  const np = new NumpyRandom();
  np.seed(123);
  assert.deepEqual(Array.from(np.rand(1, 3)), [0.6964691855978616, 0.28613933495037946, 0.2268514535642031]);
  np.seed(123);
  np.rand(2, 3);
  assert.deepEqual(Array.from(np.randint(7, 6)), [6, 1, 0, 1, 6, 1]);
  const py = new PythonRandom();
  py.seed(76);
  const h = py.randint(0, 1000);
  assert.equal(h, 379);
  assert.deepEqual(Array.from({ length: 10 }, () => py.randint(0, h - 1)), [237, 199, 102, 152, 27, 214, 121, 144, 154, 224]);
});

// ---- Probeless (NeuroX tests/interpretation/test_probeless.py) ----

test('probeless: NeuroX test_get_neuron_ordering, with the scores by hand', async () => {
  const r = await probelessRanking(await dataOf([[-1, -1, 0], [-1, 0, 0], [1, 1, 0], [1, 0, 0]], [0, 0, 1, 1]));
  assert.deepEqual(ids(r.ordering), [0, 1, 2]);
  // Class means (-1, -0.5, 0) and (1, 0.5, 0): |differences| 2, 1, 0.
  assert.deepEqual(ids(r.scores), [2, 1, 0]);
});

test('probeless: NeuroX test_get_neuron_ordering_for_tag, each class\'s own neuron first', async () => {
  const X = [[1, -1, -1, -1], [-1, 1, -1, -1], [-1, -1, 1, -1], [-1, -1, -1, 1]];
  const r = await probelessRanking(await dataOf(X, [0, 1, 2, 3]));
  assert.deepEqual(r.perClass.map((p) => p![0]), [0, 1, 2, 3]);
  // Class 0: neuron 0 differs by 2 from each of the three others (6); every other neuron by 2 from one class.
  assert.deepEqual(ids(r.perClassScores.subarray(0, 4)), [6, 2, 2, 2]);
});

test('probeless: NeuroX\'s synthetic test, the concept neuron of one layer ranks first for its tag', async () => {
  // As test_get_neuron_ordering_for_synthetic_data: activations N(0.1, 0.01), the ground-truth neuron
  // of the concept N(0.9, 0.1) on the concept's words (Grain's own random numbers).
  const rng = seededRng(99);
  const normal = (m: number, s: number) => m + s * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const rows = 600;
  const neurons = 768;
  const truth = 417;
  const y = Int32Array.from({ length: rows }, () => (rng() < 0.2 ? 1 : 0));
  const X = new Float32Array(rows * neurons);
  for (let r = 0; r < rows; r++) for (let j = 0; j < neurons; j++) X[r * neurons + j] = j === truth && y[r] === 1 ? normal(0.9, 0.1) : normal(0.1, 0.01);
  const r = await probelessRanking(await loadProbeData(arraySource(X, rows, neurons), y));
  assert.equal(r.perClass[1]![0], truth);
  assert.equal(r.ordering[0], truth);
});

test('probeless: NeuroX\'s recorded rankings of its random binary cases (test_binary_probeless_ranking)', async () => {
  const { cases } = neuroxRankingCases('binary');
  for (const i of [1, 7, 9]) {
    const r = await probelessRanking(await caseData(cases[i]!));
    assert.deepEqual(ids(r.ordering), expected(`probeless_binary_${i}`), `case ${i}`);
  }
});

test('probeless: NeuroX\'s recorded multi-class rankings, overall and per class (test_multiclass_probeless_ranking)', async () => {
  const { cases } = neuroxRankingCases('multiclass');
  for (const i of [6, 7, 9]) {
    const r = await probelessRanking(await caseData(cases[i]!));
    assert.deepEqual(ids(r.ordering), expected(`probeless_multiclass_${i}`), `case ${i}`);
  }
  const r = await probelessRanking(await caseData(cases[9]!));
  assert.deepEqual(ids(r.perClass[0]!), expected('probeless_multiclass_9_class0'));
  assert.deepEqual(ids(r.perClass[1]!), expected('probeless_multiclass_9_class1'));
});

test('probeless: a class without rows takes no part; one class is refused', async () => {
  const r = await probelessRanking(await dataOf([[0, 1], [0, 3], [2, 1]], [0, 0, 2], 3));
  assert.equal(r.perClass[1], null);
  assert.deepEqual(ids(r.scores), [2, 1]);
  await assert.rejects(async () => probelessRanking(await dataOf([[0, 1], [0, 3]], [1, 1], 2)), GrainError);
});

// ---- IoU probe (NeuroX tests/interpretation/test_iou_probe.py) ----

test('iou: NeuroX test_get_neuron_ordering, with sklearn\'s average precisions by hand', async () => {
  const r = await iouRanking(await dataOf([[-1, -1, 0], [-1, 0, 0], [1, 1, 0], [1, 0, 0]], [0, 0, 1, 1]));
  assert.deepEqual(ids(r.perClass[1]!), [0, 1, 2]);
  // Neuron 0 separates perfectly: AP 1. Neuron 1: the top row is a positive (P 1 at R 0.5), the tied
  // zeros add the other (P 2/3 at R 1): AP 0.5 + 0.5 * 2/3. Neuron 2 is all zero: AP = prevalence.
  const ap1 = Array.from({ length: 3 }, (_, j) => r.perClassScores[1 * 3 + j]!);
  assert.equal(ap1[0], 1);
  assert.ok(Math.abs(ap1[1]! - (0.5 + 1 / 3)) < 1e-15);
  assert.equal(ap1[2], 0.5);
  // Overall: each neuron's best class by gain over chance, (AP - 0.5) / 0.5. As a detector of class 0
  // neuron 0 is the worst possible (its positives come last: AP 0.5, gain 0), of class 1 perfect.
  assert.deepEqual(ids(r.ordering), [0, 1, 2]);
  assert.equal(r.scores[0], 1);
});

test('iou: activations under the threshold count as zero (NeuroX threshold 0.05)', async () => {
  // Neuron 0 is 0.04 on the positive row and 0.03 on a negative: with the threshold both are 0, a tie.
  const X = [[0.04], [0.03], [0.0]];
  const y = [1, 0, 0];
  const tied = await iouRanking(await dataOf(X, y));
  assert.ok(Math.abs(tied.perClassScores[1]! - 1 / 3) < 1e-15);
  const raw = await iouRanking(await dataOf(X, y), { threshold: 0 });
  assert.equal(raw.perClassScores[1], 1);
});

test('iou: NeuroX\'s recorded rankings of its random binary cases (test_binary_iou_ranking)', async () => {
  const { cases } = neuroxRankingCases('binary');
  for (const i of [6, 7, 8, 9]) {
    const r = await iouRanking(await caseData(cases[i]!));
    assert.deepEqual(ids(r.perClass[1]!), expected(`iou_binary_${i}`), `case ${i}`);
  }
});

test('iou: Mu & Andreas\'s IoU of the top quantile mask, by hand', async () => {
  // 10 rows; the top 20% (2 rows) of neuron 0 are rows 0 and 1; class 1 is rows 0, 2, 3.
  const X = [[9], [8], [7], [6], [5], [4], [3], [2], [1], [0.5]];
  const y = [1, 0, 1, 1, 0, 0, 0, 0, 0, 0];
  const r = await iouRanking(await dataOf(X, y), { score: 'iou', quantile: 0.2 });
  // |M ∩ C| = 1, |M ∪ C| = 2 + 3 - 1 = 4.
  assert.equal(r.perClassScores[1], 0.25);
  assert.equal(r.perClassScores[0], 1 / 8);
  await assert.rejects(async () => iouRanking(await dataOf(X, y), { quantile: 0 }), GrainError);
});

// ---- Gaussian probe (NeuroX tests/interpretation/test_gaussian_probe.py) ----

test('gaussian: NeuroX test_get_neuron_ordering', async () => {
  const X = [[-1.05, -1.1, 0.01], [0, -1.05, 0.005], [1.05, 1.1, 0.003], [0, 1.03, 0.1]];
  const r = await gaussianRanking(await dataOf(X, [0, 0, 1, 1]));
  assert.deepEqual(ids(r.ordering), [1, 0, 2]);
  // Two equally frequent classes: one bit is all there is, and neuron 1 alone separates them.
  assert.equal(r.entropyBits, 1);
  assert.ok(Math.abs(r.steps[0]!.mutualInformation - 1) < 1e-9);
  assert.equal(r.steps[0]!.accuracy, 1);
});

test('gaussian: NeuroX\'s recorded greedy ordering of all 18 neurons (test_binary_guassian_ranking)', async () => {
  const { cases, python } = neuroxRankingCases('binary');
  const c = python.choice(cases);
  assert.equal(c.neurons, 18);
  const r = await gaussianRanking(await caseData(c));
  assert.deepEqual(ids(r.ordering), expected('gaussian_binary'));
  assert.equal(r.steps.length, 18);
  // Information never exceeds the labels' entropy.
  for (const s of r.steps) assert.ok(s.mutualInformation <= r.entropyBits + 1e-12);
});

test('gaussian: fewer greedy steps keep NeuroX\'s first choices and order the rest by what each adds', async () => {
  const { cases, python } = neuroxRankingCases('binary');
  const c = python.choice(cases);
  const data = await caseData(c);
  const full = await gaussianRanking(data);
  const part = await gaussianRanking(data, { maxNeurons: 5 });
  assert.deepEqual(ids(part.ordering.slice(0, 5)), ids(full.ordering.slice(0, 5)));
  assert.equal(part.steps.length, 5);
  assert.equal(new Set(part.ordering).size, 18);
  // The sixth is the greedy sixth: the best single addition to the five.
  assert.equal(part.ordering[5], full.ordering[5]);
  const rest = ids(part.ordering.slice(5)).map((j) => part.scores[j]!);
  for (let i = 1; i < rest.length; i++) assert.ok(rest[i - 1]! >= rest[i]!);
});

test('gaussian: a class with one training row is left out, and maxRows samples the rows measured', async () => {
  const X = [[0, 1], [0.1, 1.2], [1, 0], [1.2, 0.1], [5, 5]];
  const r = await gaussianRanking(await dataOf(X, [0, 0, 1, 1, 2]));
  assert.deepEqual(r.leftOut, [{ cls: 2, rows: 1 }]);
  assert.equal(r.evaluationRows, 4);
  const { cases, python } = neuroxRankingCases('binary');
  const sampled = await gaussianRanking(await caseData(python.choice(cases)), { maxRows: 50, maxNeurons: 3 });
  assert.equal(sampled.evaluationRows, 50);
});

/** Rows of normal noise, class c shifted by `shift` in the neurons j < 6 with j % 3 === c (seeded). */
function shiftedClasses(perClass: number[], neurons: number, shift: number, seed: number): { x: Float32Array; y: number[] } {
  const rng = seededRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const y = perClass.flatMap((n, c) => new Array<number>(n).fill(c));
  const x = new Float32Array(y.length * neurons);
  y.forEach((c, r) => {
    for (let j = 0; j < neurons; j++) x[r * neurons + j] = normal() + (j < 6 && j % 3 === c ? shift : 0);
  });
  return { x, y };
}

test('gaussian: every greedy step is NeuroX\'s estimator computed directly (a fresh Gaussian per candidate), with a class absent and a class of one row', async () => {
  // Classes 0..3: 1 has no rows, 3 one row (left out, its row not measured); the prior is over 0 and 2.
  const { x, y } = shiftedClasses([30, 0, 12, 1], 6, 1, 11);
  const r = await gaussianRanking(await loadProbeData(arraySource(x, y.length, 6), Int32Array.from(y), { classes: 4 }));
  const ref = referenceGreedy(x, y, 6, 6);
  assert.deepEqual(r.leftOut, [{ cls: 3, rows: 1 }]);
  assert.deepEqual(r.steps.map((s) => s.column), ref.map((s) => s.column));
  r.steps.forEach((s, i) => {
    assert.ok(Math.abs(s.mutualInformation - ref[i]!.mi) < 1e-9, `step ${i + 1}: ${s.mutualInformation} vs ${ref[i]!.mi}`);
    assert.equal(s.accuracy, ref[i]!.accuracy);
  });
});

test('gaussian: NeuroX\'s estimate on the training rows peaks and then falls as neurons are added, while the accuracy does not', async () => {
  // 120 neurons, 6 informative; classes of 300, 40 and 40 rows. sigma* divides each class's scatter
  // by N_c + 2D + 4 with D = all 120 neurons: the small classes' Gaussians are about a sixth as wide
  // as their rows, each further neuron makes their rows' posteriors more confidently wrong, and past
  // the informative neurons the estimate falls. The direct computation falls the same way.
  const { x, y } = shiftedClasses([300, 40, 40], 120, 3, 5);
  const r = await gaussianRanking(await loadProbeData(arraySource(x, y.length, 120), Int32Array.from(y), { classes: 3 }), { maxNeurons: 8 });
  const ref = referenceGreedy(x, y, 120, 8);
  assert.deepEqual(r.steps.map((s) => s.column), ref.map((s) => s.column));
  r.steps.forEach((s, i) => assert.ok(Math.abs(s.mutualInformation - ref[i]!.mi) < 1e-9, `step ${i + 1}`));
  const mi = r.steps.map((s) => s.mutualInformation);
  const peak = mi.indexOf(Math.max(...mi));
  assert.ok(peak >= 3 && peak < 7, `peak at step ${peak + 1}: ${mi.join(', ')}`);
  assert.ok(mi[7]! < mi[peak]! - 0.01, mi.join(', '));
  assert.ok(r.steps[7]!.accuracy >= r.steps[peak]!.accuracy - 0.01);
  for (const v of mi) assert.ok(v <= r.entropyBits);
});

// ---- Correlation clustering (NeuroX interpretation/clustering.py; expected values from scipy 1.17) ----

/** A partition as lists of members, for comparing cluster labels up to renaming. */
const partition = (labels: ArrayLike<number>) => {
  const groups = new Map<number, number[]>();
  Array.from(labels).forEach((l, i) => groups.set(l, [...(groups.get(l) ?? []), i]));
  return [...groups.values()].sort((a, b) => a[0]! - b[0]!);
};

function clusteredData(): Float32Array {
  // 12 neurons over 200 rows: noisy copies (some negated) of 4 hidden signals.
  const rng = seededRng(7);
  const R = 200;
  const N = 12;
  const sig = Array.from({ length: 4 }, () => Array.from({ length: R }, () => rng() * 2 - 1));
  const src = [0, 0, 1, 2, 2, 2, 3, 1, 0, 3, 2, 1];
  const sign = [1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, -1];
  const noise = [0.1, 0.2, 0.3, 0.1, 0.5, 0.9, 0.2, 0.6, 1.5, 0.3, 0.05, 0.4];
  const X = new Float32Array(R * N);
  for (let r = 0; r < R; r++) for (let j = 0; j < N; j++) X[r * N + j] = sign[j]! * sig[src[j]!]![r]! + noise[j]! * (rng() * 2 - 1);
  return X;
}

test('clustering: the flat clusters scipy\'s average linkage and fcluster give, |r| and signed', async () => {
  const data = await loadProbeData(arraySource(clusteredData(), 200, 12), new Int32Array(200));
  // scipy: fcluster(linkage(squareform(1 - |corr|), 'average'), t, criterion='distance').
  const scipy: [number, boolean, number[]][] = [
    [0.1, true, [4, 4, 7, 1, 2, 3, 6, 9, 5, 6, 1, 8]],
    [0.1, false, [6, 3, 9, 1, 8, 2, 4, 10, 7, 11, 1, 5]],
    [0.3, true, [2, 2, 5, 1, 1, 1, 4, 5, 3, 4, 1, 5]],
    [0.3, false, [5, 2, 8, 1, 7, 1, 3, 8, 6, 9, 1, 4]],
    [0.5, true, [2, 2, 4, 1, 1, 1, 3, 4, 2, 3, 1, 4]],
    [0.5, false, [5, 2, 7, 1, 6, 1, 3, 7, 5, 8, 1, 4]],
  ];
  for (const [threshold, absolute, labels] of scipy) {
    const r = await correlationClusters(data, { threshold, absolute });
    assert.deepEqual(partition(r.cluster), partition(labels), `t ${threshold}, abs ${absolute}`);
    assert.equal(r.clusters, new Set(labels).size);
    // One kept per cluster, a member of it.
    r.kept.forEach((j, c) => assert.equal(r.cluster[j], c));
  }
});

test('clustering: average linkage heights are scipy\'s (UPGMA on 1 - |r|)', async () => {
  const data = await loadProbeData(arraySource(clusteredData(), 200, 12), new Int32Array(200));
  const { correlationOfColumns } = await import('../../src/core/rank/clustering');
  const corr = await correlationOfColumns(data);
  const dist = Float64Array.from(corr, (r) => 1 - Math.abs(r));
  for (let i = 0; i < 12; i++) dist[i * 12 + i] = 0;
  const merges = averageLinkage(dist, 12);
  const heights = Array.from({ length: 11 }, (_, m) => merges[3 * m + 2]!).sort((a, b) => a - b);
  const scipyHeights = [0.006196, 0.024684, 0.071946, 0.105015, 0.123023, 0.190194, 0.286366, 0.471702, 0.921235, 0.937068, 0.96285];
  heights.forEach((h, i) => assert.ok(Math.abs(h - scipyHeights[i]!) < 2e-6, `merge ${i}: ${h} vs ${scipyHeights[i]}`));
});

test('clustering: linkage and cut by hand on four points', () => {
  // Points 0,1 at distance 0.1; 2,3 at 0.2; the pairs 0.9 apart except d(1,2) = 0.5.
  const d = [
    [0, 0.1, 0.9, 0.9],
    [0.1, 0, 0.5, 0.9],
    [0.9, 0.5, 0, 0.2],
    [0.9, 0.9, 0.2, 0],
  ];
  const merges = averageLinkage(Float64Array.from(d.flat()), 4);
  const heights = [merges[2], merges[5], merges[8]].sort();
  // Last merge: mean of the four cross distances (0.9 + 0.9 + 0.5 + 0.9) / 4.
  assert.deepEqual(heights.map((h) => Math.round(h! * 1e12) / 1e12), [0.1, 0.2, 0.8]);
  assert.deepEqual(Array.from(flatClusters(4, merges, 0.5)), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(flatClusters(4, merges, 0.8)), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(flatClusters(4, merges, 0.15)), [0, 0, 1, 2]);
});

// ---- Agreement ----

test('agreement: top-k% overlap by hand, over all neurons and per site, with the chance line', () => {
  const sites = [
    { name: 'a', width: 4 },
    { name: 'b', width: 4 },
  ];
  const x = [0, 1, 4, 5, 2, 3, 6, 7];
  const y = [4, 0, 6, 2, 1, 3, 7, 5];
  const r = rankingAgreement([{ label: 'x', ordering: x }, { label: 'y', ordering: y }], sites, [25, 50, 100]);
  // Top 2: {0,1} vs {4,0}: 1 of 2. Top 4: {0,1,4,5} vs {4,0,6,2}: 2 of 4. All: 1.
  assert.deepEqual(r.pairs[0]!.overall, [0.5, 0.5, 1]);
  // Site a: x orders 0,1,2,3, y 0,2,1,3: top 1 {0} vs {0}; top 2 {0,1} vs {0,2}.
  assert.deepEqual(r.pairs[0]!.bySite[0], [1, 0.5, 1]);
  // Site b: x 4,5,6,7, y 4,6,7,5.
  assert.deepEqual(r.pairs[0]!.bySite[1], [1, 0.5, 1]);
  assert.deepEqual(r.chance, [0.25, 0.5, 1]);
  assert.deepEqual(r.siteChance, [[0.25, 0.5, 1], [0.25, 0.5, 1]]);
  assert.deepEqual(r.counts, [2, 4, 8]);
  assert.equal(topCount(768, 10), 77);
  assert.throws(() => rankingAgreement([{ label: 'x', ordering: x }, { label: 'z', ordering: [0, 1, 2] }], sites), /ranks 3 neurons and x 8/);
});

test('orderByScore sorts as numpy\'s argsort()[::-1]: ties put the higher index first, NaN last', () => {
  assert.deepEqual(ids(orderByScore([1, 3, 3, NaN, 2])), [2, 1, 4, 0, 3]);
});
