// The concept split grain concept and Probe This Concept read (src/jobs/labelled.ts): a list of
// words, an --input file's last 10% as the test part, and the fewest concept words per part, on a
// 20-sentence text whose counts are written out below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabelledSplit } from '../../src/jobs/labelled';
import type { ConceptData, ConceptSpec } from '../../src/shared/jobs';
import { GrainError } from '../../src/core/errors';

// 20 sentences: 'cat' in sentences 1-17 (train, one each) and in sentence 19 (test, once); 'dog' in sentences 18 and 20 (test).
const lines = Array.from({ length: 20 }, (_, i) => {
  const n = i + 1;
  if (n <= 17) return `the cat sat ${n} .`;
  if (n === 19) return 'a cat ran .';
  return 'a dog ran .';
});

function withText(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'grain-concept-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'text.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const data = (input: string, concept: ConceptSpec, minPositives?: number): ConceptData => ({ kind: 'concept', concept, from: { kind: 'text', input }, ...(minPositives !== undefined ? { minPositives } : {}) });

test('a list of words over a text: its last 2 of 20 sentences are the test part, words counted in each', async (t) => {
  const file = withText(t);
  const s = await readLabelledSplit(data(file, { kind: 'list', words: ['cat', 'dog'] }, 2));
  assert.equal(s.testFrom, `last 2 sentences of ${file}`);
  assert.equal(s.train.sentences.length, 18);
  // Train: 17 sentences of 5 words and 'a dog ran .' (89 words), 17 cats and 1 dog among them.
  assert.deepEqual(s.concept, { description: 'the words cat, dog', positive: 18, negative: 71 });
  assert.deepEqual(s.test.labels, [
    ['negative', 'positive', 'negative', 'negative'],
    ['negative', 'positive', 'negative', 'negative'],
  ]);
});

test('too few concept words in the test part is refused naming the file and the part', async (t) => {
  const file = withText(t);
  // 'cat': 17 training words, 1 test word.
  await assert.rejects(readLabelledSplit(data(file, { kind: 'list', words: ['cat'] }, 2)), (e: unknown) => {
    assert.ok(e instanceof GrainError);
    assert.equal(e.message, `${file}: the concept (the word cat) matches only 1 word of the test part (last 2 sentences of ${file}); the probe needs at least 2 in the training and the test part each: give a longer text or a broader concept`);
    return true;
  });
  // 'dog': 1 training word (sentence 18), 1 test word.
  await assert.rejects(readLabelledSplit(data(file, { kind: 'list', words: ['dog'] }, 2)), /matches only 1 word of the training part/);
  // Without a minimum (grain probe --concept-...), only the training part needs one.
  const probe = await readLabelledSplit(data(file, { kind: 'list', words: ['cat'] }));
  assert.equal(probe.concept!.positive, 17);
});

test('a concept no word of the text has; every word; an empty list', async (t) => {
  const file = withText(t);
  await assert.rejects(readLabelledSplit(data(file, { kind: 'regex', pattern: '.*ly$' }, 1)), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the concept \\(words matching /\\.\\*ly\\$/ from their start\\) matches no word of the text$`));
  await assert.rejects(readLabelledSplit(data(file, { kind: 'regex', pattern: '.*' }, 1)), /every training word of the text is in the concept/);
  await assert.rejects(readLabelledSplit(data(file, { kind: 'list', words: [''] }, 1)), /the concept has no words/);
});

test('a long list is named by its first 8 words', async (t) => {
  const file = withText(t);
  const words = ['cat', 'dog', 'the', 'a', 'sat', 'ran', 'b', 'c', 'd', 'e'];
  const s = await readLabelledSplit(data(file, { kind: 'list', words }, 1));
  assert.equal(s.concept!.description, 'the words cat, dog, the, a, sat, ran, b, c, ... (10 in all)');
});
