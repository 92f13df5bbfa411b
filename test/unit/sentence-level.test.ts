// Sentence-level data (NeuroX's load_sentence_data: one label per line) and the sentence
// representations made from word activations (first, last, average word), and numeric targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSentenceLabels } from '../../src/core/corpus/pair-files';
import { numericTargets } from '../../src/core/corpus/targets';
import { memorySource, sentenceRows } from '../../src/core/store';
import { GrainError } from '../../src/core/errors';
import type { ActivationMatrix } from '../../src/core/activations';

test('sentence label files: one label per line, counts checked against the sentences', () => {
  const c = parseSentenceLabels('The jury said .\nIt did not .\n', 'statement\nnegation\n', 'in.txt', 'lab.txt');
  assert.equal(c.level, 'sentence');
  assert.deepEqual(c.labels, [['statement'], ['negation']]);
  assert.deepEqual(c.sentences[1], ['It', 'did', 'not', '.']);
  assert.throws(() => parseSentenceLabels('a b\nc d\n', 'x y\nz\n', 'in.txt', 'lab.txt'), (e: unknown) => e instanceof GrainError && /lab\.txt:1: 2 labels on one line; a sentence-level label file has one label per line/.test(e.message));
  assert.throws(() => parseSentenceLabels('a b\nc d\ne\n', 'x\ny\n', 'in.txt', 'lab.txt'), (e: unknown) => e instanceof GrainError && /in\.txt has 3 sentences but lab\.txt has 2 labels/.test(e.message) && /lab\.txt:3/.test(e.message));
});

test('numeric targets: per word or per sentence, a non-number named with its file and line', () => {
  assert.deepEqual([...numericTargets({ sentences: [['a', 'bb'], ['ccc']], labels: [['1', '2.5'], ['-3e1']], source: 's', lines: [1, 2] })], [1, 2.5, -30]);
  const sentences = parseSentenceLabels('a b\nc\n', '0.5\nlong\n', 'in.txt', 'len.txt');
  assert.throws(() => numericTargets(sentences), (e: unknown) => e instanceof GrainError && /len\.txt:2: label 'long' is not a number; a regression probe needs one number per sentence/.test(e.message));
  for (const bad of ['NaN', 'Infinity', '0x10', '1,5', '']) {
    assert.throws(() => numericTargets({ sentences: [['a']], labels: [[bad]], source: 's' }), GrainError, bad);
  }
});

test('sentence representations: first, last and average word of each sentence, across chunk borders', () => {
  // Three sentences of 2, 3 and 1 words, 2 neurons; row r = [r, 10 r].
  const rows = 6;
  const m: ActivationMatrix = {
    sites: [{ name: 'layer1', kind: 'boundary', width: 2 }],
    neurons: 2,
    tokens: ['a', 'b', 'c', 'd', 'e', 'f'],
    sentenceOffsets: Uint32Array.from([0, 2, 5, 6]),
    data: Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 5 * i - 5)),
  };
  const src = memorySource('grain', m);
  // Chunks of 4 rows split the second sentence: read it through a source of small chunks.
  const small = { ...src, chunks: (_: number) => src.chunks(4) };
  const first = sentenceRows(small, 'first');
  const last = sentenceRows(small, 'last');
  const avg = sentenceRows(small, 'average');
  assert.deepEqual([...first.data], [0, 0, 2, 20, 5, 50]);
  assert.deepEqual([...last.data], [1, 10, 4, 40, 5, 50]);
  assert.deepEqual([...avg.data], [0.5, 5, 3, 30, 5, 50]);
  assert.deepEqual(avg.tokens, ['a b', 'c d e', 'f']);
  assert.deepEqual([...avg.sentenceOffsets], [0, 1, 2, 3]);
  assert.deepEqual(avg.sites, m.sites);
  const empty = memorySource('grain', { ...m, sentenceOffsets: Uint32Array.from([0, 2, 2, 6]) });
  assert.throws(() => sentenceRows(empty, 'last'), /sentence 2 has no activation rows/);
});
