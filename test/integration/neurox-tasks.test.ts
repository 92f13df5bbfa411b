// NeuroX's other tasks through the CLI on brown-lstm-s1: a binary concept (annotate), a
// sentence-level probe, regression probes on targets computed from the text, metrics by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import { readBrownSplit } from '../../src/core/corpus';
import type { ClassifierProbeResult, ExperimentsResult, RegressionProbeResult } from '../../src/shared/results';

const LSTM = join(MODELS, 'brown-lstm-s1');
const TEXT = readFileSync(join(MODELS, 'brown-test-2000.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');

test('a concept probe: words ending in -ly (a regex, balanced) on 2,000 Brown sentences reach 85% against a 50% majority', (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'ly.json');
  const run = grain(['probe', '--brown', '--train-sentences', '2000', '--test-sentences', '500', '--concept-regex', '.*ly$', '--balance', '--control', '--model', LSTM, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ClassifierProbeResult;
  assert.deepEqual(nonCamelKeys(r), []);
  assert.deepEqual(r.classes, ['negative', 'positive']);
  assert.equal(r.data.concept!.description, 'words matching /.*ly$/ from their start');
  // 385 of the 43,111 training words end in -ly; balancing keeps as many negatives, in each part.
  assert.deepEqual(r.data.balance!.trainAfter, [385, 385]);
  assert.equal(r.data.balance!.trainBefore[1], 385);
  assert.equal(r.test.majorityBaseline, 0.5);
  assert.ok(r.test.accuracy >= 0.85, `test accuracy ${r.test.accuracy}`);
  assert.ok(r.control!.selectivity > 0.1, `selectivity ${r.control!.selectivity}`);
  t.diagnostic(`-ly concept: test accuracy ${r.test.accuracy.toFixed(4)} (majority ${r.test.majorityBaseline}), F1 ${r.test.metrics!.f1.toFixed(4)}, selectivity ${r.control!.selectivity.toFixed(4)}`);
  assert.match(run.stdout, /concept: words matching \/\.\*ly\$\/ from their start \(385 of 43111 training words\)/);
});

test('grain annotate writes NeuroX label files (per sentence, or balanced one word per line) that grain probe reads back', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  writeFileSync(text, TEXT.slice(0, 300).join('\n') + '\n');
  const days = join(dir, 'days.txt');
  writeFileSync(days, 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday\nthe\n');
  const labels = join(dir, 'labels.txt');
  const run = grain(['annotate', '--input', text, '--concept-words', days, '--out', labels]);
  assert.equal(run.status, 0, run.stderr);
  const lines = readFileSync(labels, 'utf8').split('\n').slice(0, -1);
  assert.equal(lines.length, 300);
  lines.forEach((l, i) => {
    const words = TEXT[i].split(' ');
    assert.deepEqual(l.split(' '), words.map((w) => (['the', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].includes(w) ? 'positive' : 'negative')));
  });
  const positives = lines.join(' ').split(' ').filter((l) => l === 'positive').length;
  assert.match(run.stdout, new RegExp(`${positives} positive`));
  const bl = join(dir, 'balanced.label');
  const bw = join(dir, 'balanced.word');
  const bal = grain(['annotate', '--input', text, '--concept-regex', '.*ly$', '--balance', '--seed', '4', '--out', bl, '--words-out', bw]);
  assert.equal(bal.status, 0, bal.stderr);
  const blines = readFileSync(bl, 'utf8').split('\n').slice(0, -1);
  const wlines = readFileSync(bw, 'utf8').split('\n').slice(0, -1);
  const p = blines.filter((l) => l === 'positive').length;
  assert.equal(blines.length, 2 * p);
  assert.deepEqual(blines, [...new Array<string>(p).fill('positive'), ...new Array<string>(p).fill('negative')]);
  wlines.forEach((w, i) => assert.equal(/^.*ly$/.test(w), i < p, w));
  // The per-sentence file is an ordinary NeuroX label file: grain probe takes it as labels.
  const probe = grain(['probe', '--input', text, '--labels', labels, '--model', LSTM, '--out', join(dir, 'p.json')]);
  assert.equal(probe.status, 0, probe.stderr);
  const missing = grain(['annotate', '--input', text, '--concept-regex', '.*ly$', '--balance', '--out', bl]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /give --words-out FILE/);
});

test('grain experiment takes a concept: nouns of Brown (nn*), scored by F1, top neurons beat bottom ones', (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'exp.json');
  const run = grain(['experiment', '--brown', '--train-sentences', '600', '--test-sentences', '200', '--concept-labels', 'NN*', '--metric', 'f1', '--run', 'subsets', '--model', LSTM, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ExperimentsResult;
  assert.equal(r.full.metric, 'f1');
  assert.equal(r.settings.metric, 'f1');
  assert.ok(r.full.accuracy > 0.8, `F1 ${r.full.accuracy}`);
  for (const row of r.subsets!.rows) assert.ok(row.top > row.bottom, `${row.percent}%: top ${row.top} bottom ${row.bottom}`);
  t.diagnostic(`nn* concept: F1 ${r.full.accuracy.toFixed(4)}; retrained ${r.subsets!.rows.map((x) => `${x.percent}%: top ${x.top.toFixed(4)} / bottom ${x.bottom.toFixed(4)}`).join(', ')}`);
  assert.match(run.stdout, /full probe: \d+\.\d\d% F1 on 768 neurons/);
});

test('a sentence-level probe: does a Brown sentence hold a past-tense verb, from its average word (1,000 / 250 sentences)', async (t) => {
  const dir = tempDir(t);
  const brown = await readBrownSplit(join(MODELS, 'brown-split.json'), 'test', { tagset: 'normalized' });
  const PAST = new Set(['vbd', 'bedz', 'bed', 'hvd', 'dod']);
  const rows = Array.from({ length: 1250 }, (_, i) => i);
  const write = (name: string, pick: number[]) => {
    writeFileSync(join(dir, `${name}.txt`), pick.map((i) => brown.sentences[i].join(' ')).join('\n') + '\n');
    writeFileSync(join(dir, `${name}.label`), pick.map((i) => (brown.labels[i].some((l) => PAST.has(l)) ? 'past' : 'other')).join('\n') + '\n');
  };
  write('train', rows.filter((i) => i % 5 !== 0));
  write('test', rows.filter((i) => i % 5 === 0));
  const out = join(dir, 'sent.json');
  const run = grain(['probe', '--input', join(dir, 'train.txt'), '--labels', join(dir, 'train.label'), '--test-input', join(dir, 'test.txt'), '--test-labels', join(dir, 'test.label'), '--sentence-level', 'average', '--model', LSTM, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ClassifierProbeResult;
  assert.equal(r.data.sentenceLevel, 'average');
  assert.equal(r.train.rows, 1000);
  assert.equal(r.test.rows, 250);
  assert.ok(r.test.accuracy >= r.test.majorityBaseline + 0.15, `accuracy ${r.test.accuracy} vs majority ${r.test.majorityBaseline}`);
  t.diagnostic(`past tense, average word: test accuracy ${r.test.accuracy.toFixed(4)} (majority ${r.test.majorityBaseline.toFixed(4)}), train ${r.train.accuracy.toFixed(4)}`);
  assert.equal(r.ordering.length, 768);
  assert.match(run.stdout, /1000 train \/ 250 test sentences/);
  // Sentence rows have no word types for a control task.
  const control = grain(['probe', '--input', join(dir, 'train.txt'), '--labels', join(dir, 'train.label'), '--sentence-level', 'last', '--control', '--model', LSTM, '--out', out]);
  assert.equal(control.status, 2);
  assert.match(control.stderr, /no word types/);
});

test('regression probes on targets computed from the text: word length (r >= 0.75) and log frequency (r >= 0.95)', (t) => {
  const dir = tempDir(t);
  const train = TEXT.slice(0, 1000).map((l) => l.split(' '));
  const test = TEXT.slice(1000, 1250).map((l) => l.split(' '));
  const counts = new Map<string, number>();
  for (const s of train) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  const targets: Record<string, (w: string) => number> = { length: (w) => w.length, logfreq: (w) => Math.log(1 + (counts.get(w) ?? 0)) };
  writeFileSync(join(dir, 'train.txt'), train.map((s) => s.join(' ')).join('\n') + '\n');
  writeFileSync(join(dir, 'test.txt'), test.map((s) => s.join(' ')).join('\n') + '\n');
  const pearson: Record<string, number> = {};
  for (const [name, f] of Object.entries(targets)) {
    writeFileSync(join(dir, `train-${name}.txt`), train.map((s) => s.map((w) => f(w).toFixed(4)).join(' ')).join('\n') + '\n');
    writeFileSync(join(dir, `test-${name}.txt`), test.map((s) => s.map((w) => f(w).toFixed(4)).join(' ')).join('\n') + '\n');
    const out = join(dir, `${name}.json`);
    const run = grain(['probe', '--input', join(dir, 'train.txt'), '--labels', join(dir, `train-${name}.txt`), '--test-input', join(dir, 'test.txt'), '--test-labels', join(dir, `test-${name}.txt`), '--regression', '--model', LSTM, '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(readFileSync(out, 'utf8')) as RegressionProbeResult;
    assert.deepEqual(nonCamelKeys(r), []);
    assert.equal(r.task, 'regression');
    assert.equal(r.test.score, r.test.metrics.pearson, 'pearson is the default metric');
    assert.ok(r.test.metrics.mse < r.test.meanBaselineMse / 2, `${name}: MSE ${r.test.metrics.mse} vs the mean's ${r.test.meanBaselineMse}`);
    assert.match(run.stdout, /test Pearson r 0\.\d{3}, Spearman rho/);
    pearson[name] = r.test.metrics.pearson!;
  }
  t.diagnostic(`regression: word length r ${pearson.length.toFixed(4)}, log frequency r ${pearson.logfreq.toFixed(4)}`);
  assert.ok(pearson.length >= 0.75, `word length r ${pearson.length}`);
  assert.ok(pearson.logfreq >= 0.95, `log frequency r ${pearson.logfreq}`);
  // A target that is not a number is refused with its file and line.
  writeFileSync(join(dir, 'bad.txt'), readFileSync(join(dir, 'train-length.txt'), 'utf8').replace(/^(\S+)/m, 'x'));
  const bad = grain(['probe', '--input', join(dir, 'train.txt'), '--labels', join(dir, 'bad.txt'), '--regression', '--model', LSTM, '--out', join(dir, 'b.json')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bad\.txt:1: label 'x' is not a number/);
});
