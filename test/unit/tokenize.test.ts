import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, type ModelTokenizer, type EncodedSentence } from '../../src/core/tokenize';
import { GrainError } from '../../src/core/errors';

const MODELS = join(__dirname, '..', '..', 'models');
const DEMOS = ['brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3', 'brown-gpt', 'brown-bert'];
const LINES = readFileSync(join(MODELS, 'brown-test-2000.txt'), 'utf8').split('\n').filter((l) => l.length > 0);

const cache = new Map<string, ModelTokenizer>();
function demo(name: string): ModelTokenizer {
  let t = cache.get(name);
  if (!t) cache.set(name, (t = loadTokenizer(join(MODELS, name))));
  return t;
}

function golden(name: string): { words: string[]; input_ids: number[] }[] {
  return JSON.parse(readFileSync(join(MODELS, name, 'golden.json'), 'utf8')).sentences;
}

/** Every word owns a non-empty run of positions, in order; -1 exactly at special positions. */
function assertAligned(enc: EncodedSentence, words: number): void {
  let expect = 0;
  for (let p = 0; p < enc.ids.length; p++) {
    const w = enc.wordIndex[p];
    assert.equal(w === -1, enc.special[p] === 1, `position ${p}`);
    if (w === -1) continue;
    if (w !== expect - 1) assert.equal(w, expect++, `position ${p} should start word ${expect - 1}`);
  }
  assert.equal(expect, words);
}

for (const name of DEMOS) {
  test(`${name}: golden.json words give exactly the golden input ids`, () => {
    const t = demo(name);
    for (const s of golden(name)) {
      const enc = t.encodeWords(s.words);
      assert.deepEqual(Array.from(enc.ids), s.input_ids);
      assert.equal(enc.truncated, false);
      assertAligned(enc, s.words.length);
    }
  });

  test(`${name}: word-by-word ids equal whole-sentence ids on all of brown-test-2000`, () => {
    const t = demo(name);
    let positions = 0;
    for (const line of LINES) {
      const words = line.split(' ');
      const enc = t.encodeWords(words, { maxLength: Infinity });
      assert.deepEqual(enc.ids, t.encodeText(line), line);
      assertAligned(enc, words.length);
      positions += enc.ids.length;
    }
    assert.equal(LINES.length, 2000);
    assert.ok(positions > 2000 * 10);
  });
}

test('causal models: with appendEos, brown-test-2000 has the number of predicted tokens of config.json', () => {
  for (const name of ['brown-lstm-s1', 'brown-gpt']) {
    const t = demo(name);
    const expected = JSON.parse(readFileSync(join(MODELS, name, 'config.json'), 'utf8')).eval.test_tokens;
    let predicted = 0;
    for (const line of LINES) predicted += t.encodeWords(line.split(' '), { appendEos: true }).ids.length - 1;
    assert.equal(predicted, expected, name);
  }
});

test('LSTM positions are the words themselves (or <unk>)', () => {
  const t = demo('brown-lstm-s1');
  const enc = t.encodeWords(['The', 'Ierulli', 'jury', '.']);
  assert.deepEqual(enc.tokens, ['<s>', 'The', '<unk>', 'jury', '.']);
  assert.deepEqual(Array.from(enc.wordIndex), [-1, 0, 1, 2, 3]);
  assert.equal(enc.ids[2], t.unkId);
});

test('BERT word pieces joined back give each word', () => {
  const t = demo('brown-bert');
  for (const line of LINES.slice(0, 300)) {
    const words = line.split(' ');
    const enc = t.encodeWords(words);
    const rebuilt = words.map(() => '');
    enc.tokens.forEach((tok, p) => {
      const w = enc.wordIndex[p];
      if (w >= 0) rebuilt[w] += tok.startsWith('##') ? tok.slice(2) : tok;
    });
    rebuilt.forEach((r, w) => assert.ok(r === words[w] || r.includes('[UNK]'), `${r} vs ${words[w]}`));
  }
});

test('GPT words after the first carry the leading-space marker, the first does not', () => {
  const t = demo('brown-gpt');
  assert.equal(t.continuation, 'space');
  const enc = t.encodeWords(['the', 'the']);
  const first = enc.tokens.filter((_, p) => enc.wordIndex[p] === 0);
  const second = enc.tokens.filter((_, p) => enc.wordIndex[p] === 1);
  assert.deepEqual(first, ['the']);
  assert.deepEqual(second, ['Ġthe']);
});

test('special ids, vocabulary size and limits of the demo tokenizers', () => {
  const lstm = demo('brown-lstm-s1');
  assert.deepEqual([lstm.padId, lstm.unkId, lstm.bosId, lstm.eosId, lstm.maskId], [0, 1, 2, 3, undefined]);
  assert.deepEqual([...lstm.specialIds].sort(), [0, 1, 2, 3]);
  assert.equal(lstm.vocabSize, 8004);
  assert.equal(lstm.maxLength, 1_000_000);
  assert.equal(lstm.modelType, 'WordLevel');

  const gpt = demo('brown-gpt');
  assert.deepEqual([gpt.padId, gpt.unkId, gpt.bosId, gpt.eosId], [1, undefined, 0, 0]);
  assert.equal(gpt.vocabSize, 4096);
  assert.equal(gpt.maxLength, 256);
  assert.equal(gpt.modelType, 'BPE');

  const bert = demo('brown-bert');
  assert.deepEqual([bert.padId, bert.unkId, bert.bosId, bert.eosId, bert.maskId], [0, 1, undefined, undefined, 4]);
  assert.deepEqual([...bert.specialIds].sort(), [0, 1, 2, 3, 4]);
  assert.equal(bert.vocabSize, 4096);
  assert.equal(bert.modelType, 'WordPiece');
  assert.equal(bert.requirePadId(), 0);
});

test('appendEos gives the training format of the causal models', () => {
  const lstm = demo('brown-lstm-s1').encodeWords(['The', 'jury', '.'], { appendEos: true });
  assert.deepEqual(lstm.tokens, ['<s>', 'The', 'jury', '.', '</s>']);
  assert.deepEqual(Array.from(lstm.special), [1, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(lstm.wordIndex), [-1, 0, 1, 2, -1]);

  const gpt = demo('brown-gpt').encodeWords(['The', 'jury', '.'], { appendEos: true });
  assert.equal(gpt.tokens[0], '<|endoftext|>');
  assert.equal(gpt.tokens[gpt.tokens.length - 1], '<|endoftext|>');
  assert.equal(gpt.ids[gpt.ids.length - 1], 0);
  assert.equal(gpt.wordIndex[gpt.ids.length - 1], -1);

  assert.throws(() => demo('brown-bert').encodeWords(['a'], { appendEos: true }), /names no eos_token/);
});

test('truncation drops trailing words whole and keeps the special tokens', () => {
  const bert = demo('brown-bert');
  const words = golden('brown-bert')[0].words; // 46 positions, words of 1..6 pieces
  const full = bert.encodeWords(words);
  for (let limit = 6; limit < full.ids.length; limit++) {
    const enc = bert.encodeWords(words, { maxLength: limit });
    assert.ok(enc.ids.length <= limit);
    assert.equal(enc.tokens[0], '[CLS]');
    assert.equal(enc.tokens[enc.tokens.length - 1], '[SEP]');
    const kept = words.length - enc.droppedWords;
    assert.equal(enc.truncated, true);
    assert.equal(enc.wordIndex[enc.ids.length - 2], kept - 1);
    // Exactly the pieces of the kept words, and the next word would not have fitted.
    const keptEnd = full.wordIndex.lastIndexOf(kept - 1) + 1;
    assert.deepEqual(enc.ids.subarray(1, enc.ids.length - 1), full.ids.subarray(1, keptEnd));
    const nextEnd = full.wordIndex.lastIndexOf(kept) + 1;
    assert.ok(nextEnd + 1 > limit, `limit ${limit}: word ${kept} would have fitted`);
  }
  assert.equal(bert.encodeWords(words, { maxLength: full.ids.length }).truncated, false);
  // "Vincent" is 4 pieces: with [CLS] and [SEP] it needs 6 positions.
  assert.throws(() => bert.encodeWords(words, { maxLength: 5, where: { file: 's.txt', line: 7 } }), /^GrainError: s\.txt:7: the first word "Vincent" needs 4 tokens/);
  assert.throws(() => bert.encodeWords(words, { maxLength: 0 }), /positive whole number/);
});

test('the default limit is model_max_length from tokenizer_config.json', () => {
  const gpt = demo('brown-gpt');
  const enc = gpt.encodeWords(Array<string>(300).fill('the'));
  assert.equal(enc.ids.length, 256);
  assert.equal(enc.droppedWords, 300 - 255);
  const lstm = demo('brown-lstm-s1').encodeWords(Array<string>(3000).fill('the'));
  assert.equal(lstm.truncated, false);
  assert.equal(lstm.ids.length, 3001);
});

test('empty sentences, words without tokens and words with spaces', () => {
  const where = { file: 'corpus.txt', line: 12 };
  for (const name of ['brown-lstm-s1', 'brown-gpt', 'brown-bert']) {
    assert.throws(() => demo(name).encodeWords([], { where }), (e: unknown) => e instanceof GrainError && /corpus\.txt:12: empty sentence/.test(e.message));
    assert.throws(() => demo(name).encodeWords(['a', 'b c'], { where }), /corpus\.txt:12: word 2 "b c" contains a space/);
  }
  // BERT's normalizer removes a zero-width space entirely: the word holds no position, and the
  // input is what the tokenizer makes of the whole line (as NeuroX feeds it).
  const bert = demo('brown-bert').encodeWords(['a', '\u200b', 'b']);
  assert.deepEqual(bert.tokens, ['[CLS]', 'a', 'b', '[SEP]']);
  assert.deepEqual(Array.from(bert.wordIndex), [-1, 0, 2, -1]);
  assert.deepEqual(bert.emptyWords, [1]);
  assert.deepEqual(Array.from(bert.ids), Array.from(demo('brown-bert').encodeText('a \u200b b')));
  // Byte-level BPE always has bytes for it: the space marker and the three UTF-8 bytes.
  const gpt = demo('brown-gpt').encodeWords(['a', '\u200b']);
  assert.deepEqual(gpt.tokens, ['<|endoftext|>', 'a', 'Ġ', 'â', 'Ģ', 'ĭ']);
  assert.deepEqual(Array.from(gpt.wordIndex), [-1, 0, 1, 1, 1, 1]);
  assert.deepEqual(gpt.emptyWords, []);
});

test('loading errors name the file and say what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-tok-'));
  assert.throws(() => loadTokenizer(dir), (e: unknown) => e instanceof GrainError && e.where.file === dir && /no tokenizer\.json/.test(e.message));
  assert.throws(() => loadTokenizer(join(dir, 'nope')), /model folder not found/);

  writeFileSync(join(dir, 'tokenizer.json'), '{\n  "model": {\n    "type": "BPE",\n    "vocab": {"a": 0,}\n  }\n}\n');
  assert.throws(
    () => loadTokenizer(dir),
    (e: unknown) => e instanceof GrainError && e.where.file === join(dir, 'tokenizer.json') && e.where.line === 4 && /not valid JSON/.test(e.message),
  );

  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'CharLevel', vocab: { a: 0 } } }));
  assert.throws(() => loadTokenizer(dir), /unsupported tokenizer model type "CharLevel" \(supported: WordLevel, BPE, WordPiece, Unigram\)/);

  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0' }));
  assert.throws(() => loadTokenizer(dir), /has no "model" section/);

  const gpt = JSON.parse(readFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), 'utf8'));
  gpt.pre_tokenizer = { type: 'Telepathy' };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(gpt));
  assert.throws(() => loadTokenizer(dir), /cannot load this BPE tokenizer: Unknown PreTokenizer type: Telepathy/);

  copyFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'tokenizer_config.json'), '{"pad_token": ');
  assert.throws(() => loadTokenizer(dir), (e: unknown) => e instanceof GrainError && e.where.file === join(dir, 'tokenizer_config.json'));
});

test('without tokenizer_config.json: no limit, pad found among added tokens, no eos', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-tok-'));
  copyFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const t = loadTokenizer(dir);
  assert.equal(t.maxLength, Infinity);
  assert.equal(t.padId, 1);
  assert.equal(t.eosId, undefined);
  assert.deepEqual(Array.from(t.encodeWords(golden('brown-gpt')[1].words).ids), golden('brown-gpt')[1].input_ids);

  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30, eos_token: { content: '<|endoftext|>', __type: 'AddedToken' } }));
  const u = loadTokenizer(dir);
  assert.equal(u.maxLength, Infinity);
  assert.equal(u.eosId, 0);
});

