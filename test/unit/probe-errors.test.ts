// Probe errors in the editor: the predictions (hand-computed softmax; the job against extraction
// and the one-row predictor on real Brown sentences), the word ranges of labelled documents
// (CoNLL-U with multiword tokens, empty nodes and comments; NeuroX pairs), which CoNLL-U column
// a probe reads, and the labels files a sentence file pairs with.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { conlluDocument, conlluForProbe, labelsFileCandidates, pairDocument, unknownLabels } from '../../src/core/corpus/labelled-document';
import { extractTo } from '../../src/core/extract/extractor';
import { openExtractionModel } from '../../src/core/extract/model';
import { createGemm } from '../../src/core/linalg/gemm';
import { classProbabilities, predictRow } from '../../src/core/probe/predict';
import { MemorySink } from '../../src/core/store';
import type { JobContext } from '../../src/jobs/context';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runNeuronStats } from '../../src/jobs/neuron-stats';
import { runProbePredictions } from '../../src/jobs/probe-predictions';
import { runTextActivations } from '../../src/jobs/text-activations';
import { readResult } from '../../src/results/read';
import { brownTestConllu } from '../fixtures/brown-conllu';

const LSTM = 'models/brown-lstm-s1';
/** Universal tags on brown-lstm-s1 (aggregation last, sites layers); test accuracy 93.38%. */
const PROBE = 'test/fixtures/results/v2/probe-lstm-upos.json';

const ctx = (): JobContext => ({ progress: () => {}, warn: () => {}, log: () => {}, signal: new AbortController().signal });

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'grain-probe-errors-'));
});
after(async () => {
  await closeCachedModels();
  rmSync(dir, { recursive: true, force: true });
});

test('class probabilities are the softmax of x W^T + b, as computed by hand', async () => {
  // 3 classes x 3 neurons. Row 1: logits -1, 0, 2 -> e^-1, e^0, e^2 over 8.756935;
  // row 2: logits -1, 1, 0.25 -> e^-1, e^1, e^0.25 over 4.370186.
  const weights = Float32Array.from([1, 0, -1, 0, 2, 0, 0.5, 0.5, 0.5]);
  const bias = Float32Array.from([0, -1, 0.25]);
  const x = Float32Array.from([1, 0.5, 2, -1, 1, 0]);
  const expected = [0.042010, 0.114195, 0.843795, 0.084179, 0.622006, 0.293815];
  const gemm = await createGemm({ threads: 1, smallProduct: 0 });
  try {
    const p = await classProbabilities(gemm, weights, bias, x, 2, 3);
    expected.forEach((e, i) => assert.ok(Math.abs(p[i] - e) < 1e-6, `p[${i}] = ${p[i]}, by hand ${e}`));
  } finally {
    await gemm.dispose();
  }
});

test('the probe-predictions job predicts every word as extraction and the one-row predictor do, with each word\'s gold probability and strongest neurons', async () => {
  const brown = await brownTestConllu(25);
  const read = readResult(PROBE);
  assert.equal(read.kind, 'probe');
  if (read.kind !== 'probe') return;
  const probe = read.result;
  assert.equal(probe.source.aggregation, 'last');

  // Statistics under the probe's settings, for the strongest neurons.
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, readFileSync('models/brown-test-2000.txt', 'utf8').split('\n').slice(0, 60).join('\n') + '\n');
  const stats = join(dir, 'stats.json');
  await runNeuronStats({ kind: 'neuron-stats', model: LSTM, corpus, out: stats, aggregation: 'last', sites: 'layers', batchSize: 16, threads: 1 }, ctx());

  const res = await runProbePredictions(
    { kind: 'probe-predictions', model: LSTM, probe: PROBE, sentences: brown.words, labels: brown.upos, stats, topK: 5, batchSize: 8, threads: 1 },
    ctx(),
  );
  const words = brown.words.flat();
  const gold = brown.upos.flat();
  assert.equal(res.rows, words.length);
  assert.deepEqual(res.classes, probe.classes);
  assert.equal(res.sentenceOffsets.length, 26);
  assert.equal(res.sentenceOffsets[25], words.length);
  assert.equal(res.sentenceOffsets[1], brown.words[0].length);

  // The same rows another way: extraction into memory, then predictRow on each row.
  const model = await openExtractionModel(LSTM, { sites: 'layers', threads: 1 });
  const sink = new MemorySink();
  try {
    await extractTo(model, { sentences: brown.words, aggregation: 'last', subword: false, keepSpecial: false, batchSize: 4 }, sink);
  } finally {
    await model.close();
  }
  const acts = sink.result();
  const columns = Int32Array.from({ length: probe.neurons }, (_, j) => j);
  const probeModel = { classes: probe.classes.length, columns, weights: Float32Array.from(probe.weights), bias: Float32Array.from(probe.bias) };
  let correct = 0;
  for (let r = 0; r < res.rows; r++) {
    const p = predictRow(probeModel, acts.data.subarray(r * 768, (r + 1) * 768));
    assert.equal(res.predicted[r], p.predicted, `row ${r} (${words[r]})`);
    assert.ok(Math.abs(res.probability[r] - p.probability) < 1e-5, `row ${r}: ${res.probability[r]} vs ${p.probability}`);
    const g = probe.classes.indexOf(gold[r]);
    assert.equal(res.gold[r], g);
    assert.ok(Math.abs(res.goldProbability[r] - p.probabilities[g]) < 1e-5);
    if (p.predicted === g) correct++;
  }
  assert.equal(res.known, words.length, 'every universal tag is one of the probe\'s classes');
  assert.equal(res.correct, correct);
  // A held-out Brown sample: near the probe's 93% test accuracy, and some words wrong to mark.
  assert.ok(correct / words.length > 0.85 && correct < words.length, `accuracy ${correct} / ${words.length}`);

  // The strongest neurons are the hover's: the same sentence as a text line gives the same list.
  const line = brown.words[3].join(' ');
  const hover = await runTextActivations(
    { kind: 'text-activations', model: LSTM, lines: [{ line: 0, text: line }], neurons: [], aggregation: 'last', subword: false, sites: 'layers', batchSize: 8, threads: 1, stats, topK: 5 },
    ctx(),
  );
  const from = res.sentenceOffsets[3];
  assert.equal(hover.rows, brown.words[3].length);
  assert.deepEqual(Array.from(res.topIds.subarray(from * 5, (from + hover.rows) * 5)), Array.from(hover.topIds));
  assert.deepEqual(Array.from(res.topZ.subarray(from * 5, (from + hover.rows) * 5)), Array.from(hover.topZ));
  assert.deepEqual(Array.from(res.topValues.subarray(from * 5, (from + hover.rows) * 5)), Array.from(hover.topValues));
});

test('a label outside the probe\'s classes has no gold class and counts in no accuracy', async () => {
  const res = await runProbePredictions(
    { kind: 'probe-predictions', model: LSTM, probe: PROBE, sentences: [['The', 'jury', 'said', '.']], labels: [['DET', 'PROPN', 'VERB', 'PUNCT']], batchSize: 8, threads: 1 },
    ctx(),
  );
  assert.deepEqual(Array.from(res.gold).map((g) => (g < 0 ? '?' : res.classes[g])), ['DET', '?', 'VERB', '?']);
  assert.equal(res.known, 2);
  assert.ok(Number.isNaN(res.goldProbability[1]));
  assert.equal(res.topK, 0, 'no strongest neurons without statistics');
});

// Two sentences: a comment block, a multiword token (1-2 "Don't" over "Do" and "n't"), an empty
// node (3.1); the second sentence has two-digit IDs, a non-ASCII FORM and CRLF line ends.
const CONLLU = [
  '# newdoc id = d1',
  '# sent_id = 1',
  "# text = Don't go",
  "1-2\tDon't\t_\t_\t_\t_\t_\t_\t_\t_",
  '1\tDo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_',
  "2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_",
  '3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_',
  '3.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t3:conj\t_',
  '4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_',
  '',
  '# sent_id = 2\r',
  '10\tCafé\tcafé\tNOUN\tNN\tNumber=Sing\t0\troot\t_\t_\r',
  '11\tnoir\tnoir\tADJ\tJJ\t_\t10\tamod\t_\t_\r',
  '',
].join('\n');

test('CoNLL-U words are the FORM cells of their token lines: multiword ranges, empty nodes and comments are no words', () => {
  const doc = conlluDocument(CONLLU, 'x.conllu');
  assert.deepEqual(doc.sentences, [['Do', "n't", 'go', '.'], ['Café', 'noir']]);
  assert.deepEqual(doc.ranges, [
    [
      { line: 4, start: 2, end: 4 },
      { line: 5, start: 2, end: 5 },
      { line: 6, start: 2, end: 4 },
      { line: 8, start: 2, end: 3 },
    ],
    [
      { line: 11, start: 3, end: 7 },
      { line: 12, start: 3, end: 7 },
    ],
  ]);
  assert.deepEqual(doc.lines, [5, 12]);
  const lines = CONLLU.split('\n');
  doc.ranges.flat().forEach((r, i) => assert.equal(lines[r.line].slice(r.start, r.end), doc.sentences.flat()[i]));
  assert.deepEqual(doc.labels('upos'), [['AUX', 'PART', 'VERB', 'PUNCT'], ['NOUN', 'ADJ']]);
  assert.deepEqual(doc.labels('feats:Number'), [['_', '_', '_', '_'], ['Sing', '_']]);
  assert.throws(() => conlluDocument('1\tx\n', 'bad.conllu'), (e: unknown) => e instanceof GrainError && e.where.line === 1 && /10 tab-separated columns/.test(e.message));
});

test('with column auto a probe reads UPOS or XPOS, whichever holds only its classes; else nothing is marked and the unknown labels are named', () => {
  const ud = ['ADJ', 'AUX', 'NOUN', 'PART', 'PUNCT', 'VERB'];
  const got = conlluForProbe(CONLLU, 'x.conllu', 'auto', ud);
  assert.ok('document' in got);
  assert.equal(got.document.column, 'upos');
  const ptb = ['.', 'JJ', 'NN', 'RB', 'VB', 'VBP'];
  const x = conlluForProbe(CONLLU, 'x.conllu', 'auto', ptb);
  assert.ok('document' in x && x.document.column === 'xpos');
  assert.deepEqual(x.document.labels, [['VBP', 'RB', 'VB', '.'], ['NN', 'JJ']]);
  // The 12 Brown universal tags know neither AUX/PART/PUNCT nor the PTB tags.
  const universal = ['.', 'ADJ', 'ADP', 'ADV', 'CONJ', 'DET', 'NOUN', 'NUM', 'PRON', 'PRT', 'VERB', 'X'];
  const none = conlluForProbe(CONLLU, 'x.conllu', 'auto', universal);
  assert.ok('unknown' in none);
  assert.equal(none.column, 'upos');
  assert.deepEqual(none.unknown, [{ label: 'AUX', count: 1 }, { label: 'PART', count: 1 }, { label: 'PUNCT', count: 1 }]);
  assert.ok('unknown' in conlluForProbe(CONLLU, 'x.conllu', 'xpos', ud), 'an explicit column is not swapped for another');
  assert.deepEqual(unknownLabels([['A', 'B'], ['C', 'A', 'C']], ['A']), [{ label: 'C', count: 2 }, { label: 'B', count: 1 }]);
});

test('a NeuroX pair: each word where it stands on its sentence line, labels from the labels file', () => {
  const doc = pairDocument('The  jury said .\n\tIt did\n', 'DET NOUN VERB .\nPRON VERB\n', 's.txt', 's.labels');
  assert.deepEqual(doc.sentences, [['The', 'jury', 'said', '.'], ['It', 'did']]);
  assert.deepEqual(doc.labels, [['DET', 'NOUN', 'VERB', '.'], ['PRON', 'VERB']]);
  assert.deepEqual(doc.ranges[0].map((r) => [r.line, r.start, r.end]), [[0, 0, 3], [0, 5, 9], [0, 10, 14], [0, 15, 16]]);
  assert.deepEqual(doc.ranges[1].map((r) => [r.line, r.start, r.end]), [[1, 1, 3], [1, 4, 7]]);
  assert.equal(doc.column, 's.labels');
  assert.throws(
    () => pairDocument('a b\nc\n', 'X Y\nZ Z\n', 's.txt', 's.labels'),
    (e: unknown) => e instanceof GrainError && e.where.file === 's.labels' && e.where.line === 2 && /2 labels for 1 word/.test(e.message),
  );
});

test('a sentence file pairs with x.txt.labels, x.txt.label, x.labels or x.label beside it; labels and CoNLL-U files pair with none', () => {
  assert.deepEqual(labelsFileCandidates('/d/x.txt'), ['/d/x.txt.labels', '/d/x.txt.label', '/d/x.labels', '/d/x.label']);
  assert.deepEqual(labelsFileCandidates('/d/sample.in'), ['/d/sample.in.labels', '/d/sample.in.label', '/d/sample.labels', '/d/sample.label']);
  assert.deepEqual(labelsFileCandidates('/d/README'), ['/d/README.labels', '/d/README.label']);
  assert.deepEqual(labelsFileCandidates('/d/x.labels'), []);
  assert.deepEqual(labelsFileCandidates('/d/x.label'), []);
  assert.deepEqual(labelsFileCandidates('/d/x.conllu'), []);
});
