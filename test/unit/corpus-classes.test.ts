import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRareClasses, buildLabelIndex, encodeLabels, controlLabels, createControlTask } from '../../src/core/corpus';
import { GrainError } from '../../src/core/errors';

const labels = [
  ['N', 'V', 'N', 'D'],
  ['N', 'X', 'V'],
  ['D', 'N'],
];
// counts: N 4, V 2, D 2, X 1

test('filterRareClasses drop: labels untouched, per-word mask in row order, report', () => {
  const f = filterRareClasses(labels, { minCount: 2, mode: 'drop' });
  assert.deepEqual(f.labels, labels);
  assert.deepEqual([...f.keep], [1, 1, 1, 1, 1, 0, 1, 1, 1]);
  assert.deepEqual(f.report, { kept: ['D', 'N', 'V'], dropped: [{ label: 'X', count: 1 }], mode: 'drop' });
  const idx = buildLabelIndex(f.labels, f.keep);
  assert.deepEqual(idx.classes, ['D', 'N', 'V']);
  const enc = encodeLabels(f.labels, idx, f.keep);
  assert.deepEqual([...enc.y], [1, 2, 1, 0, 1, -1, 2, 0, 1]);
  assert.equal(enc.dropped, 1);
  assert.equal(enc.unseen, 0);
});

test('filterRareClasses other: rare classes merged into OTHER, dropped listed by count', () => {
  const f = filterRareClasses(labels, { minCount: 3, mode: 'other' });
  assert.deepEqual(f.labels, [['N', 'OTHER', 'N', 'OTHER'], ['N', 'OTHER', 'OTHER'], ['OTHER', 'N']]);
  assert.ok(f.keep.every((k) => k === 1));
  assert.deepEqual(f.report.kept, ['N', 'OTHER']);
  assert.deepEqual(f.report.dropped, [{ label: 'D', count: 2 }, { label: 'V', count: 2 }, { label: 'X', count: 1 }]);
});

test('filterRareClasses refuses to leave fewer than two classes', () => {
  assert.throws(() => filterRareClasses(labels, { minCount: 3, mode: 'drop' }), (e: unknown) => e instanceof GrainError && /only 'N' remains/.test(e.message));
  assert.throws(() => filterRareClasses(labels, { minCount: 0, mode: 'drop' }), GrainError);
});

test('buildLabelIndex: sorted deterministic order, errors on zero or one class', () => {
  const a = buildLabelIndex([['b', 'a'], ['c']]);
  const b = buildLabelIndex([['c'], ['a', 'b', 'a']]);
  assert.deepEqual(a.classes, ['a', 'b', 'c']);
  assert.deepEqual([...a.index], [...b.index]);
  assert.throws(() => buildLabelIndex([[]]), (e: unknown) => e instanceof GrainError && /class list is empty/.test(e.message));
  assert.throws(() => buildLabelIndex([['a', 'a']]), (e: unknown) => e instanceof GrainError && /only one class/.test(e.message));
});

test('encodeLabels: unseen labels counted and reported, not thrown', () => {
  const idx = buildLabelIndex([['N', 'V']]);
  const enc = encodeLabels([['N', 'ADJ', 'V'], ['ADJ', 'PRT']], idx);
  assert.deepEqual([...enc.y], [0, -1, 1, -1, -1]);
  assert.equal(enc.unseen, 3);
  assert.deepEqual([...enc.unseenLabels], [['ADJ', 2], ['PRT', 1]]);
  assert.throws(() => encodeLabels([['N']], idx, new Uint8Array(2)), GrainError);
});

test('control task: one label per type, same map for test words, -1 rows kept', () => {
  const words = ['the', 'cat', 'the', 'dog', 'cat', 'the', 'a'];
  const y = Int32Array.from([0, 1, 0, 1, 1, 0, -1]);
  const c1 = controlLabels(words, y, 2, 7);
  const c2 = controlLabels(words, y, 2, 7);
  assert.deepEqual(c1, c2);
  assert.equal(c1[0], c1[2]);
  assert.equal(c1[0], c1[5]);
  assert.equal(c1[1], c1[4]);
  assert.equal(c1[6], -1);
  const task = createControlTask(words, y, 2, 7);
  const test = task.label(['cat', 'the', 'zebra', 'zebra']);
  assert.equal(test[0], c1[1]);
  assert.equal(test[1], c1[0]);
  assert.equal(test[2], test[3]);
  assert.ok(test[2] === 0 || test[2] === 1);
  assert.deepEqual([...task.distribution], [0.5, 0.5]);
});

test('control task: type labels follow the empirical distribution; seeds differ; empty classes never drawn', () => {
  // 4 classes with token frequencies 0.6, 0.3, 0.1, 0 over 20000 distinct types.
  const n = 20000;
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2;
  const c = controlLabels(words, y, 4, 123);
  const counts = [0, 0, 0, 0];
  for (const v of c) counts[v]++;
  // Binomial sd at n = 20000 is at most ~70 words; allow 5 sd.
  assert.ok(Math.abs(counts[0] - 12000) < 350, `class 0: ${counts[0]}`);
  assert.ok(Math.abs(counts[1] - 6000) < 350, `class 1: ${counts[1]}`);
  assert.ok(Math.abs(counts[2] - 2000) < 250, `class 2: ${counts[2]}`);
  assert.equal(counts[3], 0);
  const other = controlLabels(words, y, 4, 124);
  let same = 0;
  for (let i = 0; i < n; i++) if (other[i] === c[i]) same++;
  // Two independent draws agree with probability .36 + .09 + .01 = .46.
  assert.ok(Math.abs(same / n - 0.46) < 0.03, `agreement ${same / n}`);
  assert.throws(() => controlLabels(words, y, 2, 1), GrainError);
});

// NeuroX's control-task tests (tests/data/test_control_task.py), on its fixtures.
const skewed = {
  source: [
    ['Fly', 'me', 'to', 'the', 'moon'],
    ['I', 'am', 'walking', 'on', 'the', 'moon'],
    ['Now', 'I', 'am', 'walking', 'on', 'a', 'dream'],
  ],
  target: [
    ['A', 'A', 'A', 'B', 'A'],
    ['A', 'B', 'A', 'A', 'B', 'C'],
    ['B', 'A', 'B', 'A', 'A', 'B', 'A'],
  ],
};
const encodeAbc = (t: string[][]) => Int32Array.from(t.flat().map((l) => l.charCodeAt(0) - 65));

test("control task (NeuroX): the same word has the same label in a dataset and across datasets; 'The' is 'the' when case-insensitive", () => {
  const words = skewed.source.flat();
  const c = controlLabels(words, encodeAbc(skewed.target), 3, 11);
  // 'the moon' in sentences 1 and 2; 'I am walking on' in sentences 2 and 3.
  assert.deepEqual([c[3], c[4]], [c[9], c[10]]);
  assert.deepEqual([c[5], c[6], c[7], c[8]], [c[12], c[13], c[14], c[15]]);
  const task = createControlTask(words, encodeAbc(skewed.target), 3, 11);
  assert.deepEqual([...task.label(['I', 'am', 'walking', 'on', 'sunshine'])].slice(0, 4), [c[5], c[6], c[7], c[8]]);
  // Case-insensitive types: every seed gives 'The' the label of 'the'; case-sensitive ones differ for some seed.
  let differs = false;
  for (let seed = 0; seed < 20; seed++) {
    const ci = createControlTask(words, encodeAbc(skewed.target), 3, seed, { caseSensitive: false });
    assert.equal(ci.labelOf('The'), ci.labelOf('the'));
    assert.equal(ci.labelOf('MOON'), ci.labelOf('moon'));
    const cs = createControlTask(words, encodeAbc(skewed.target), 3, seed);
    if (cs.labelOf('The') !== cs.labelOf('the')) differs = true;
  }
  assert.ok(differs);
});

test('control task (NeuroX): no more control labels than training labels; uniform sampling covers two labels', () => {
  const three = controlLabels(skewed.source.flat(), encodeAbc(skewed.target), 3, 5);
  assert.ok(new Set(three).size <= 3);
  const four = controlLabels(['Is', 'There', 'life', 'on', 'Mars'], encodeAbc([['A', 'B', 'C', 'D', 'A']]), 4, 5);
  assert.ok(new Set(four).size <= 4);
  const balanced = ['I', 'am', 'walking', 'on', 'sunshine', 'Tambourines', 'and', 'elephants', 'are', 'playin', 'in', 'the', 'band'];
  const uniform = controlLabels(balanced, encodeAbc([['B', 'A', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A']]), 2, 5, { sampling: 'uniform' });
  assert.equal(new Set(uniform).size, 2);
  // Uniform over the classes present: class 2 of 3 has no word, so it is never drawn.
  const t = createControlTask(balanced, Int32Array.from(balanced.map((_, i) => i % 2)), 3, 5, { sampling: 'uniform' });
  assert.deepEqual([...t.distribution], [0.5, 0.5, 0]);
  assert.throws(() => createControlTask(balanced, new Int32Array(13), 2, 5, { sampling: 'other' as 'same' }), /'same' or 'uniform'/);
});

test('control task (NeuroX): 1000 types, 1 in 7 labelled T: same sampling keeps T rare (< 200), uniform makes no class > 600', () => {
  const words = Array.from({ length: 1000 }, (_, i) => String(i));
  const y = Int32Array.from(words.map((_, i) => (i % 7 === 0 ? 1 : 0)));
  const count = (c: Int32Array) => [0, 1].map((k) => c.filter((v) => v === k).length);
  const same = count(controlLabels(words, y, 2, 9));
  assert.ok(Math.min(...same) < 200, `same: ${same}`);
  const uniform = count(controlLabels(words, y, 2, 9, { sampling: 'uniform' }));
  assert.ok(Math.max(...uniform) < 600, `uniform: ${uniform}`);
  // Tighter than NeuroX: binomial sd is ~11 (same) and ~16 (uniform) words.
  assert.ok(Math.abs(same[1] - 143) < 60 && Math.abs(uniform[1] - 500) < 80);
});
