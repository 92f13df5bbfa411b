// grain concept on brown-lstm-s1: the same probe as grain probe --concept-... --balance (numbers
// equal), the counts of concept words before and after balancing as counted here from the text,
// and the split of an --input file (its last 10% of sentences).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { readBrownSplit } from '../../src/core/corpus';
import type { ClassifierProbeResult } from '../../src/shared/results';

const LSTM = join(MODELS, 'brown-lstm-s1');
const SPLIT = join(MODELS, 'brown-split.json');
const TEXT = readFileSync(join(MODELS, 'brown-test-2000.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ClassifierProbeResult;
const count = (sentences: string[][], inConcept: (w: string) => boolean) => sentences.flat().filter(inConcept).length;

test('grain concept --words the,a,an on the Brown default is grain probe --brown --concept-words --balance on 1,500 / 300 sentences', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'det.json');
  const started = performance.now();
  const run = grain(['concept', '--model', LSTM, '--words', 'the,a,an', '--out', out]);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(run.status, 0, run.stderr);
  const r = read(out);
  assert.equal(r.schema, 'grain.probe');
  assert.deepEqual(r.classes, ['negative', 'positive']);
  assert.equal(r.data.concept!.description, 'the words the, a, an');
  assert.equal(r.settings.balance, true);

  // The concept's words counted here, in the demo's Brown sentences (1,500 training, 300 test).
  const det = new Set(['the', 'a', 'an']);
  const train = (await readBrownSplit(SPLIT, 'train')).sentences.slice(0, 1500);
  const testPart = (await readBrownSplit(SPLIT, 'test')).sentences.slice(0, 300);
  const p = count(train, (w) => det.has(w));
  const pt = count(testPart, (w) => det.has(w));
  assert.deepEqual(r.data.balance, { trainBefore: [train.flat().length - p, p], trainAfter: [p, p], testBefore: [testPart.flat().length - pt, pt], testAfter: [pt, pt] });
  assert.equal(r.data.concept!.positive, p);
  assert.equal(r.train.rows, 2 * p);
  assert.equal(r.test.rows, 2 * pt);
  assert.equal(r.test.majorityBaseline, 0.5);
  // Three exact word forms: the probe separates them almost perfectly.
  assert.ok(r.test.accuracy > 0.95, `test accuracy ${r.test.accuracy}`);

  // The same job as grain probe's concept options: the same numbers.
  const words = join(dir, 'det.txt');
  writeFileSync(words, 'the\na\nan\n');
  const viaProbe = join(dir, 'det-probe.json');
  const p2 = grain(['probe', '--brown', '--train-sentences', '1500', '--test-sentences', '300', '--concept-words', words, '--balance', '--model', LSTM, '--out', viaProbe]);
  assert.equal(p2.status, 0, p2.stderr);
  const q = read(viaProbe);
  assert.equal(r.test.accuracy, q.test.accuracy);
  assert.deepEqual(r.test.confusion, q.test.confusion);
  assert.deepEqual(r.ordering, q.ordering);
  assert.deepEqual(r.rankingWeights, q.rankingWeights);
  assert.deepEqual(r.data.balance, q.data.balance);
  assert.match(run.stdout, new RegExp(`concept: the words the, a, an \\(${p} of ${train.flat().length} training words\\)`));
  t.diagnostic(`determiners on Brown 1,500 / 300: test accuracy ${(100 * r.test.accuracy).toFixed(2)}% on ${r.test.rows} balanced test words, top neuron ${r.ordering[0]}; ${seconds.toFixed(1)} s`);
});

test('grain concept --regex on an --input file: its last 10% of sentences are the test part, counts as in the text', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  const lines = TEXT.slice(0, 600);
  writeFileSync(text, lines.join('\n') + '\n');
  const out = join(dir, 'ly.json');
  const run = grain(['concept', '--model', LSTM, '--input', text, '--regex', '.*ly$', '--seed', '3', '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = read(out);
  const sentences = lines.map((l) => l.split(' '));
  const ly = (w: string) => /^.*ly$/u.test(w);
  const p = count(sentences.slice(0, 540), ly);
  const pt = count(sentences.slice(540), ly);
  assert.ok(pt >= 5, `the test part holds ${pt} -ly words`);
  assert.deepEqual(r.data.balance, { trainBefore: [count(sentences.slice(0, 540), (w) => !ly(w)), p], trainAfter: [p, p], testBefore: [count(sentences.slice(540), (w) => !ly(w)), pt], testAfter: [pt, pt] });
  assert.equal(r.data.test, `last 60 sentences of ${text}`);
  assert.deepEqual([r.data.trainSentences, r.data.testSentences], [540, 60]);
  assert.equal(r.settings.seed, 3);
  assert.ok(r.test.accuracy > 0.6, `test accuracy ${r.test.accuracy}`);
  t.diagnostic(`-ly on 540 / 60 sentences of brown-test-2000: ${p} / ${pt} concept words, test accuracy ${(100 * r.test.accuracy).toFixed(2)}%`);

  // --unbalanced keeps every word.
  const all = join(dir, 'ly-all.json');
  const u = grain(['concept', '--model', LSTM, '--input', text, '--regex', '.*ly$', '--unbalanced', '--out', all]);
  assert.equal(u.status, 0, u.stderr);
  const ru = read(all);
  assert.equal(ru.data.balance, undefined);
  assert.equal(ru.train.rows, sentences.slice(0, 540).flat().length);
});
