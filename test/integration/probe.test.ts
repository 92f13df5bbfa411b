import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import type { ExperimentsResult, ProbeResult } from '../../src/shared/results';

const LSTM = join(MODELS, 'brown-lstm-s1');

test('the default probe on brown-lstm-s1 (5,000 Brown training / 1,000 test sentences, normalized tags) reaches 87.5%', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'probe.json');
  const run = grain(['probe', '--brown', '--train-sentences', '5000', '--test-sentences', '1000', '--model', LSTM, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
  assert.equal(r.schema, 'grain.probe');
  assert.equal(r.version, 2);
  assert.deepEqual(nonCamelKeys(r), []);
  assert.equal(r.data.trainSentences, 5000);
  assert.equal(r.data.testSentences, 1000);
  assert.ok(r.test.accuracy >= 0.875, `test accuracy ${r.test.accuracy}`);
  assert.ok(r.train.accuracy >= r.test.accuracy - 0.01);
  assert.ok(r.test.majorityBaseline < 0.2);
  assert.equal(r.ordering.length, 768);
  assert.deepEqual([...r.ordering].sort((a, b) => a - b), Array.from({ length: 768 }, (_, i) => i));
  assert.equal(r.weights.length, r.classes.length * 768);
  assert.ok(r.perClassTop.nn.length > 0 && r.perClassTop.nn.every((n) => n >= 0 && n < 768));
  assert.ok(r.timings.trainSeconds > 0 && r.timings.gflops > 0);
  assert.equal(r.topWords.length, 50);
  assert.match(run.stdout, /test accuracy 8\d\.\d\d%/);
});

function labelled(dir: string, sentences: string[], labels: string[]) {
  const input = join(dir, 'in.txt');
  const lab = join(dir, 'labels.txt');
  writeFileSync(input, sentences.join('\n') + '\n');
  writeFileSync(lab, labels.join('\n') + '\n');
  return { input, lab };
}

test('NeuroX label files that disagree with the sentences are refused, naming the line', async (t) => {
  const dir = tempDir(t);
  const { input, lab } = labelled(dir, ['The jury said .', 'It did .'], ['DET NOUN VERB .', 'PRON VERB']);
  const run = grain(['probe', '--input', input, '--labels', lab, '--model', LSTM, '--out', join(dir, 'r.json')]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /labels\.txt:2: 2 labels for 3 words/);
  const lines = labelled(dir, ['The jury said .', 'It did .', 'Yes .'], ['DET NOUN VERB .', 'PRON VERB .']);
  const run2 = grain(['probe', '--input', lines.input, '--labels', lines.lab, '--model', LSTM, '--out', join(dir, 'r.json')]);
  assert.equal(run2.status, 1);
  assert.match(run2.stderr, /3.*2|2.*3/);
});

test('a labelled line longer than the model takes (400 words on brown-gpt, 256 positions) is probed through windows: every label gets its row', async (t) => {
  const dir = tempDir(t);
  const words = ['the', 'jury', 'said', 'it', 'did', 'not', 'see', 'any', 'evidence', '.'];
  const tags = ['DET', 'NOUN', 'VERB', 'PRON', 'VERB', 'ADV', 'VERB', 'DET', 'NOUN', '.'];
  const lengths = [400, 5, 7, 6, 8, 5, 9, 6];
  const picks = lengths.map((n, s) => Array.from({ length: n }, (_, i) => (i * 7 + s * 3 + (i >> 2)) % 10));
  const { input, lab } = labelled(dir, picks.map((p) => p.map((i) => words[i]).join(' ')), picks.map((p) => p.map((i) => tags[i]).join(' ')));
  const out = join(dir, 'r.json');
  const run = grain(['probe', '--model', join(MODELS, 'brown-gpt'), '--input', input, '--labels', lab, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /in\.txt:1: a sentence of \d+ tokens is longer than the window of 256 positions: it runs as 2 overlapping windows/);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
  assert.equal(r.data.trainWords + r.data.testWords, lengths.reduce((a, b) => a + b, 0), 'one row per labelled word');
  assert.ok(r.test.accuracy >= 0.8, `each word here has one tag: the probe learns it (${r.test.accuracy})`);
});

test('one class only, and lambdas out of range, are refused', async (t) => {
  const dir = tempDir(t);
  const { input, lab } = labelled(dir, ['a b c', 'd e', 'f g h', 'i j', 'k l'], ['X X X', 'X X', 'X X X', 'X X', 'X X']);
  const one = grain(['probe', '--input', input, '--labels', lab, '--model', LSTM, '--out', join(dir, 'r.json')]);
  assert.equal(one.status, 1);
  assert.match(one.stderr, /class/);
  const neg = grain(['probe', '--brown', '--model', LSTM, '--l1=-1', '--out', join(dir, 'r.json')]);
  assert.equal(neg.status, 2, 'a bad option value is a command-line error');
  assert.match(neg.stderr, /--l1 must be a number in \[0, 10\]/);
});

test('grain experiment on Brown runs every experiment and writes its JSON; retrained top neurons beat bottom ones', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'exp.json');
  const run = grain(['experiment', '--brown', '--tagset', 'universal', '--train-sentences', '600', '--test-sentences', '200', '--model', LSTM, '--l1', '1e-3', '--l2', '1e-3', '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as ExperimentsResult;
  assert.equal(r.schema, 'grain.experiments');
  assert.equal(r.version, 2);
  assert.deepEqual(nonCamelKeys(r), []);
  assert.deepEqual(r.subsets!.rows.map((x) => x.percent), [10, 15, 20]);
  for (const row of r.subsets!.rows) assert.ok(row.top > row.bottom, `retrain ${row.percent}%: top ${row.top} bottom ${row.bottom}`);
  for (const row of r.zeroOut!.rows) assert.ok(row.top > row.random, `zero-out ${row.percent}%: top ${row.top} random ${row.random}`);
  assert.ok(r.minimal!.accuracy >= r.minimal!.target - 1e-12 && r.minimal!.count <= 768);
  assert.equal(r.layerwise!.sites.length, 3);
  assert.ok(r.layerwise!.sites.every((s) => s.accuracy > 0.5));
  assert.equal(r.localization!.classes.length, r.classes.length);
  assert.equal(r.exclusivity!.jaccard.length, r.classes.length);
  assert.ok(r.control!.selectivity > 0);
  assert.equal(r.topWords!.length, 20);
});
