// Binary concepts and class balancing: NeuroX's own test cases of annotate
// (tests/data/test_annotate.py) and of balancing (tests/interpretation/test_utils.py), with the
// counts and positions they assert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrainError } from '../../src/core/errors';
import { annotateConcept, labelSet, readWordList, type ConceptFilter } from '../../src/core/corpus/concept';
import { balanceClasses, balanceNegatives } from '../../src/core/corpus/balance';

// NeuroX's five test sentences.
const sentences = [
  'Hello , this test is test 1 .',
  'Hello , this is another test number 2 .',
  'This is test # 3 .',
  'This book is a good book',
  'And finally , this is the last test !',
].map((s) => s.split(' '));
const text = { sentences, source: 'test.txt' };
const words = (...w: string[]): ConceptFilter => ({ kind: 'words', words: new Set(w) });
const regex = (pattern: string): ConceptFilter => ({ kind: 'regex', pattern });

/** [sentence, word] of every positive word. */
function positions(filter: ConceptFilter): [number, number][] {
  const a = annotateConcept(text, filter);
  const out: [number, number][] = [];
  a.labels.forEach((s, i) => s.forEach((l, j) => l === 'positive' && out.push([i, j])));
  return out;
}

test('annotate: every word labelled, word order kept (test_basic_binary_annotation)', () => {
  const a = annotateConcept(text, words('this'));
  assert.deepEqual(a.labels.map((s) => s.length), sentences.map((s) => s.length));
  assert.equal(a.positive + a.negative, 38);
  assert.deepEqual(positions(words('this')), [[0, 2], [1, 2], [4, 3]], "'This' is another word: membership is case-sensitive, as NeuroX's set");
  assert.deepEqual(positions(words('Hello')), [[0, 0], [1, 0]]);
  assert.deepEqual(positions(words('another')), [[1, 4]], "NeuroX: activations[1][4]");
});

test('annotate: repeated words in and across sentences (test_duplicate_words_*)', () => {
  assert.deepEqual(positions(words('book')), [[3, 1], [3, 5]]);
  assert.deepEqual(positions(words('test')), [[0, 3], [0, 5], [1, 5], [2, 2], [4, 7]]);
});

test('annotate: regular expressions match from the start of the word, as re.match (test_regex_based_annotation)', () => {
  assert.deepEqual(positions(regex('^\\d$')), [[0, 6], [1, 7], [2, 4]], "'1', '2', '3' at NeuroX's activations[0][6], [1][7], [2][4]");
  assert.deepEqual(positions(regex('\\d$')), positions(regex('^\\d$')), '^ is implied');
  // NeuroX's function filter `"t" in x` gives 11 positives; as a regex from the start: .*t
  assert.equal(annotateConcept(text, regex('.*t')).positive, 11);
  assert.equal(annotateConcept(text, regex('t')).positive, 9, 'without .*, only words starting with t (re.match)');
  // test_warning_negative_class_is_smaller: ^\w+$ leaves only the 8 punctuation marks negative.
  const w = annotateConcept(text, regex('^\\w+$'));
  assert.deepEqual([w.positive, w.negative], [30, 8]);
});

test('annotate: no positive (test_if_positive_class_is_zero) or no negative (test_if_negative_class_is_zero) is refused', () => {
  assert.throws(() => annotateConcept(text, words('abc')), (e: unknown) => e instanceof GrainError && /no word of the text is in the concept/.test(e.message) && e.message.includes('test.txt'));
  assert.throws(() => annotateConcept(text, regex('^.+$')), (e: unknown) => e instanceof GrainError && /every word of the text is in the concept/.test(e.message));
  assert.throws(() => annotateConcept(text, regex('(')), (e: unknown) => e instanceof GrainError && /not a valid regular expression/.test(e.message));
});

test('annotate by labels: case-insensitive, trailing * as a prefix, unknown labels listed', () => {
  const labelled = {
    sentences: [['The', 'dogs', 'bark'], ['A', 'cat', 'sleeps']],
    labels: [['at', 'nns', 'vb'], ['at', 'nn', 'vbz']],
    source: 'brown',
  };
  const a = annotateConcept(labelled, { kind: 'labels', labels: ['NN', 'NNS'] });
  assert.deepEqual(a.labels, [['negative', 'positive', 'negative'], ['negative', 'positive', 'negative']]);
  assert.deepEqual([...labelSet(['nn*'], labelled.labels, 'brown')].sort(), ['nn', 'nns']);
  assert.deepEqual([...labelSet(['VB*'], labelled.labels, 'brown')].sort(), ['vb', 'vbz']);
  assert.throws(() => labelSet(['jj'], labelled.labels, 'brown'), (e: unknown) => e instanceof GrainError && /no word has the label 'jj' \(the labels are: at, nn, nns, vb, vbz\)/.test(e.message));
  assert.throws(() => annotateConcept(text, { kind: 'labels', labels: ['nn'] }), (e: unknown) => e instanceof GrainError && /needs labelled data/.test(e.message));
});

test('word lists: words by whitespace or line, empty lists refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-concept-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'days.txt');
  writeFileSync(file, 'Monday\nTuesday Wednesday\r\n\nSunday\n');
  assert.deepEqual([...(await readWordList(file))], ['Monday', 'Tuesday', 'Wednesday', 'Sunday']);
  writeFileSync(file, '\n \n');
  await assert.rejects(readWordList(file), (e: unknown) => e instanceof GrainError && /word list is empty/.test(e.message));
});

test("annotate's balancing: negatives cut to the positive count, seeded (test_number_of_positive_negative_examples)", () => {
  const a = annotateConcept(text, words('test'));
  const y = Int32Array.from(a.labels.flat().map((l) => (l === 'positive' ? 1 : 0)));
  const b = balanceNegatives(y, 1, 7);
  assert.deepEqual(b.before, [33, 5]);
  assert.deepEqual(b.after, [5, 5]);
  for (let r = 0; r < y.length; r++) if (y[r] === 1) assert.equal(b.keep[r], 1, 'every positive kept');
  assert.deepEqual(balanceNegatives(y, 1, 7).keep, b.keep, 'same seed, same draw');
  assert.notDeepEqual(balanceNegatives(y, 1, 8).keep, b.keep);
  // Fewer negatives than positives: nothing to do (NeuroX: "No need of balancing the data").
  const few = balanceNegatives(Int32Array.from([1, 1, 1, 0, -1]), 1, 1);
  assert.deepEqual([...few.keep], [1, 1, 1, 1, 0]);
});

test('balance_binary_class_data: 10 vs 90 rows become 10 vs 10, the minority kept whole', () => {
  const y = Int32Array.from([...new Array<number>(10).fill(0), ...new Array<number>(90).fill(1)]);
  const b = balanceClasses(y, 3);
  assert.deepEqual(b.after, [10, 10]);
  for (let r = 0; r < 10; r++) assert.equal(b.keep[r], 1);
  assert.equal(b.keep.reduce((a, v) => a + v, 0), 20);
});

test('balance_multi_class_data: 10/20/70 become 10/10/10, the minority kept whole; one class is refused', () => {
  const y = Int32Array.from([...new Array<number>(10).fill(0), ...new Array<number>(20).fill(1), ...new Array<number>(70).fill(2)]);
  const b = balanceClasses(y, 5);
  assert.deepEqual(b.after, [10, 10, 10]);
  for (let r = 0; r < 10; r++) assert.equal(b.keep[r], 1);
  assert.deepEqual(balanceClasses(y, 5).keep, b.keep, 'seeded');
  assert.throws(() => balanceClasses(Int32Array.from([0, 0, -1]), 5), /at least two classes/);
});
