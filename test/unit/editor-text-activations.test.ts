// The text-activations and neuron-stats jobs on the demo models, against extraction of the
// same sentences (what `grain extract` writes) and statistics computed here independently.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { extractTo } from '../../src/core/extract/extractor';
import { openExtractionModel, type ExtractionModel } from '../../src/core/extract/model';
import type { NeuronStatsFile } from '../../src/shared/job-results';
import { MemorySink } from '../../src/core/store';
import { splitWords } from '../../src/core/text';
import type { TextActivationsJob } from '../../src/shared/jobs';
import type { JobContext } from '../../src/jobs/context';
import { runNeuronStats } from '../../src/jobs/neuron-stats';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runTextActivations } from '../../src/jobs/text-activations';

const LSTM = 'models/brown-lstm-s1';
const GPT = 'models/brown-gpt';
const PROBE = 'test/fixtures/results/probe-lstm-upos.json';
const BROWN = readFileSync('models/brown-test-2000.txt', 'utf8').split('\n');

const ctx = (): JobContext & { warnings: string[] } => {
  const warnings: string[] = [];
  return { progress: () => {}, warn: (m) => warnings.push(m), log: () => {}, signal: new AbortController().signal, warnings };
};

let dir: string;
let reference: ExtractionModel;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grain-editor-'));
  reference = await openExtractionModel(LSTM, { sites: 'layers', threads: 1 });
});
after(async () => {
  await reference?.close();
  await closeCachedModels();
  rmSync(dir, { recursive: true, force: true });
});

async function extractRows(model: ExtractionModel, lines: string[], aggregation: 'average' | 'last', subword = false) {
  const sink = new MemorySink();
  await extractTo(model, { sentences: lines.map(splitWords), aggregation, subword, keepSpecial: false, batchSize: 8 }, sink);
  return sink.result();
}

const job = (over: Partial<TextActivationsJob>): TextActivationsJob => ({
  kind: 'text-activations',
  model: LSTM,
  lines: [],
  neurons: [],
  aggregation: 'average',
  subword: false,
  sites: 'layers',
  batchSize: 8,
  threads: 1,
  ...over,
});

test('word values equal what extraction gives for the same sentences; offsets come from the line', async () => {
  // Line 1 has runs of spaces and a tab; line 2 is empty and skipped; line 3 is a Brown sentence.
  const doc = [`  The jury  said\tit did .`, '', BROWN[0]];
  const wanted = [0, 300, 767, 300];
  const res = await runTextActivations(job({ lines: doc.map((text, line) => ({ line, text })), neurons: wanted }), ctx());
  const ref = await extractRows(reference, [doc[0], doc[2]], 'average');
  assert.equal(res.rows, ref.tokens.length);
  assert.deepEqual(res.text, ref.tokens);
  assert.equal(res.neurons, 768);
  assert.deepEqual(res.siteInfo.map((s) => s.name), ['embeddings', 'layer1', 'layer2']);
  for (let r = 0; r < res.rows; r++) {
    assert.equal(res.computed[r], 1);
    wanted.forEach((id, j) => assert.equal(res.values[r * wanted.length + j], ref.data[r * 768 + id], `row ${r} neuron ${id}`));
    assert.equal(doc[res.line[r]].slice(res.start[r], res.end[r]), res.text[r]);
  }
  assert.deepEqual(Array.from(res.line.subarray(0, 6)), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(res.start.subarray(0, 6)), [2, 6, 12, 17, 20, 24]);
  assert.equal(res.line[6], 2);
  assert.equal(res.topK, 0, 'no strongest neurons without statistics');
  assert.deepEqual(res.truncated, []);
});

test('subword mode: one row per piece, carrying its word span', async () => {
  const line = 'The jurors unanimously disagreed .';
  const res = await runTextActivations(job({ lines: [{ line: 4, text: line }], neurons: [400], subword: true }), ctx());
  const ref = await extractRows(reference, [line], 'average', true);
  // Extraction's subword rows include special tokens; the editor's only pieces of words.
  const enc = reference.tokenizer.encodeWords(splitWords(line));
  const keep = Array.from(enc.wordIndex).flatMap((w, p) => (w >= 0 ? [p] : []));
  assert.equal(res.rows, keep.length);
  assert.ok(res.rows >= splitWords(line).length);
  keep.forEach((p, r) => {
    assert.equal(res.text[r], ref.tokens[p]);
    assert.equal(res.values[r], ref.data[p * 768 + 400]);
    const w = enc.wordIndex[p];
    assert.equal(line.slice(res.start[r], res.end[r]), splitWords(line)[w]);
  });
});

test('neuron-stats: mean and std over the corpus, saved and reused; z-scores and strongest neurons follow', async () => {
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, BROWN.slice(0, 40).join('\n') + '\n');
  const out = join(dir, 'stats-brown-lstm-s1.json');
  const statsJob = { kind: 'neuron-stats', model: LSTM, corpus, out, aggregation: 'average', sites: 'layers', batchSize: 8, threads: 1 } as const;
  const first = await runNeuronStats(statsJob, ctx());
  assert.equal(first.cached, false);
  const ref = await extractRows(reference, BROWN.slice(0, 40), 'average');
  const rows = ref.tokens.length;
  assert.equal(first.rows, rows);
  const file = JSON.parse(readFileSync(out, 'utf8')) as NeuronStatsFile;
  for (const id of [0, 17, 300, 767]) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += ref.data[r * 768 + id];
    const mean = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (ref.data[r * 768 + id] - mean) ** 2;
    assert.ok(Math.abs(file.mean[id] - mean) < 1e-9, `mean of ${id}`);
    assert.ok(Math.abs(file.std[id] - Math.sqrt(v / rows)) < 1e-9, `std of ${id}`);
  }
  const again = await runNeuronStats(statsJob, ctx());
  assert.equal(again.cached, true);
  assert.equal((await runNeuronStats({ ...statsJob, aggregation: 'last' }, ctx())).cached, false, 'other settings are not reused');
  await runNeuronStats(statsJob, ctx());

  const line = BROWN[1];
  const res = await runTextActivations(job({ lines: [{ line: 0, text: line }], neurons: [300], stats: out, topK: 3 }), ctx());
  const words = await extractRows(reference, [line], 'average');
  assert.equal(res.topK, 3);
  assert.equal(res.wantedMean[0], file.mean[300]);
  for (let r = 0; r < res.rows; r++) {
    assert.ok(Math.abs(res.z[r] - (words.data[r * 768 + 300] - file.mean[300]) / file.std[300]) < 1e-5);
    // The strongest neuron has the largest |z| of all 768.
    let best = 0;
    for (let j = 0; j < 768; j++) best = Math.max(best, Math.abs((words.data[r * 768 + j] - file.mean[j]) / (file.std[j] || Infinity)));
    assert.ok(Math.abs(Math.abs(res.topZ[r * 3]) - best) < 1e-4, `row ${r}`);
    assert.ok(Math.abs(res.topZ[r * 3]) >= Math.abs(res.topZ[r * 3 + 1]) && Math.abs(res.topZ[r * 3 + 1]) >= Math.abs(res.topZ[r * 3 + 2]));
    assert.equal(res.topValues[r * 3], words.data[r * 768 + res.topIds[r * 3]]);
  }
});

test('probe predictions per word (UPOS probe on brown-lstm-s1)', async () => {
  const line = 'The jury said it did find that the election was conducted .';
  const res = await runTextActivations(job({ lines: [{ line: 0, text: line }], neurons: [0], aggregation: 'last', probe: PROBE }), ctx());
  assert.ok(res.probe);
  const tags = Array.from(res.probe.predicted, (c) => res.probe!.classes[c]);
  assert.deepEqual(tags.slice(0, 3), ['DET', 'NOUN', 'VERB']);
  assert.equal(tags[tags.length - 1], '.');
  for (const p of res.probe.probability) assert.ok(p > 0 && p <= 1);
});

test('a line longer than the model accepts: words beyond are marked not computed, the rest exact', async () => {
  const long = Array.from({ length: 40 }, () => BROWN[0]).join(' '); // ~1000 words > 256 positions
  const res = await runTextActivations(job({ model: GPT, lines: [{ line: 7, text: long }], neurons: [5] }), ctx());
  assert.equal(res.maxLength, 256);
  assert.equal(res.truncated.length, 1);
  const words = splitWords(long);
  assert.equal(res.rows, words.length);
  const kept = words.length - res.truncated[0].droppedWords;
  assert.ok(kept > 50 && kept < words.length);
  assert.deepEqual(Array.from(res.computed.subarray(0, kept)), new Array(kept).fill(1));
  assert.deepEqual(Array.from(res.computed.subarray(kept)), new Array(words.length - kept).fill(0));
  assert.equal(res.text[res.rows - 1], words[words.length - 1]);
  const gpt = await openExtractionModel(GPT, { sites: 'layers', threads: 1 });
  try {
    // Extraction runs the long line as windows (every word a row); its first window is what the editor computed.
    const ref = await extractRows(gpt, [long], 'average');
    assert.equal(ref.tokens.length, words.length);
    for (let r = 0; r < kept; r += 17) assert.equal(res.values[r], ref.data[r * ref.neurons + 5]);
  } finally {
    await gpt.close();
  }
});

test('bad input: unknown neuron ids, a probe of another model', async () => {
  await assert.rejects(runTextActivations(job({ lines: [{ line: 0, text: 'a b' }], neurons: [768] }), ctx()), /neuron 768 does not exist/);
  await assert.rejects(runTextActivations(job({ model: GPT, lines: [{ line: 0, text: 'a b' }], neurons: [0], probe: PROBE }), ctx()), /probe was trained on 768 neurons/);
});

test('cancel stops the job', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runTextActivations(job({ lines: [{ line: 0, text: BROWN[2] }], neurons: [1] }), { ...ctx(), signal: controller.signal }),
    /cancelled/,
  );
});
