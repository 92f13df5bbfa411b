// Tokenizer families the demo models do not cover, as small tokenizer.json files written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, type ModelTokenizer } from '../../src/core/tokenize';

const MODELS = join(__dirname, '..', '..', 'models');
const SENTENCES = readFileSync(join(MODELS, 'brown-test-2000.txt'), 'utf8').split('\n').filter(Boolean).slice(0, 200);

function folder(tokenizer: object, config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'grain-tok-'));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  if (config) writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  return dir;
}

function piecesOf(t: ModelTokenizer, words: string[]): string[][] {
  const enc = t.encodeWords(words);
  return words.map((_, w) => enc.tokens.filter((__, p) => enc.wordIndex[p] === w));
}

/** Word-by-word ids equal the library's whole-sentence ids, on real sentences. */
function assertAlignsOnBrown(t: ModelTokenizer): void {
  for (const line of SENTENCES) assert.deepEqual(t.encodeWords(line.split(' ')).ids, t.encodeText(line), line);
}

const template = (before: string[], after: string[], ids: Record<string, number>) => ({
  type: 'TemplateProcessing',
  single: [...before.map((id) => ({ SpecialToken: { id, type_id: 0 } })), { Sequence: { id: 'A', type_id: 0 } }, ...after.map((id) => ({ SpecialToken: { id, type_id: 0 } }))],
  pair: [],
  special_tokens: Object.fromEntries(Object.entries(ids).map(([t, id]) => [t, { id: t, ids: [id], tokens: [t] }])),
});

const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:\'"?!()-`&$%/'];

test('T5 style: Unigram with a Metaspace pre-tokenizer and "$A </s>"', () => {
  const vocab: [string, number][] = [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ['▁', -3], ['▁the', -2], ['▁cat', -3], ['▁of', -2.5], ['s', -4]];
  for (const c of LETTERS) vocab.push([c, -8], ['▁' + c, -9]);
  const dir = folder(
    {
      version: '1.0',
      added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      post_processor: template([], ['</s>'], { '</s>': 1 }),
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
    },
    { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>', model_max_length: 512 },
  );
  const t = loadTokenizer(dir);
  assert.equal(t.modelType, 'Unigram');
  assert.equal(t.continuation, 'space');
  assert.deepEqual(piecesOf(t, ['the', 'cats', 'of', 'the']), [['▁the'], ['▁cat', 's'], ['▁of'], ['▁the']]);
  const enc = t.encodeWords(['the', 'cats'], { appendEos: true });
  // The template already ends with </s>: appendEos does not add a second one.
  assert.deepEqual(enc.tokens, ['▁the', '▁cat', 's', '</s>']);
  assert.deepEqual(Array.from(enc.wordIndex), [0, 1, 1, -1]);
  assert.deepEqual([t.eosId, t.padId, t.unkId], [1, 0, 2]);
  // A character outside the vocabulary is <unk>, inside its word.
  assert.deepEqual(piecesOf(t, ['the', 'é']), [['▁the'], ['▁', '<unk>']]);
  assertAlignsOnBrown(t);
});

test('LLaMA-2 style: Prepend("▁") normalizer, no pre-tokenizer, BPE with byte fallback, "<s> $A"', () => {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  const add = (t: string) => {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  };
  ['▁', ...LETTERS].forEach(add);
  const merges = [['▁', 't'], ['h', 'e'], ['▁t', 'he'], ['▁', 'o'], ['▁o', 'f'], ['▁', 'c'], ['a', 't'], ['▁c', 'at']];
  for (const [a, b] of merges) add(a + b);
  const dir = folder(
    {
      version: '1.0',
      added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
      pre_tokenizer: null,
      post_processor: template(['<s>'], [], { '<s>': 1 }),
      decoder: null,
      model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: merges.map((m) => m.join(' ')) },
    },
    { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: null, model_max_length: 1e30 },
  );
  const t = loadTokenizer(dir);
  // A space before a later word would give a second "▁": the words are encoded bare.
  assert.equal(t.continuation, 'bare');
  assert.equal(t.maxLength, Infinity);
  assert.deepEqual(piecesOf(t, ['the', 'cat', 'of', 'é']), [['▁the'], ['▁cat'], ['▁of'], ['▁', '<0xC3>', '<0xA9>']]);
  const enc = t.encodeWords(['the', 'cat'], { appendEos: true });
  assert.deepEqual(enc.tokens, ['<s>', '▁the', '▁cat', '</s>']);
  assert.deepEqual(Array.from(enc.special), [1, 0, 0, 1]);
  // No pad token anywhere: fine until someone needs to pad.
  assert.equal(t.padId, undefined);
  assert.throws(() => t.requirePadId(), /no pad token/);
  assertAlignsOnBrown(t);
});

test('RoBERTa style: byte-level BPE with add_prefix_space and RobertaProcessing', () => {
  const gpt = JSON.parse(readFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), 'utf8'));
  gpt.pre_tokenizer.add_prefix_space = true;
  gpt.post_processor = { type: 'RobertaProcessing', cls: ['<|endoftext|>', 0], sep: ['<pad>', 1], trim_offsets: true, add_prefix_space: true };
  const t = loadTokenizer(folder(gpt));
  assert.equal(t.continuation, 'space');
  const enc = t.encodeWords(['the', 'the']);
  assert.deepEqual(enc.tokens, ['<|endoftext|>', 'Ġthe', 'Ġthe', '<pad>']);
  assert.deepEqual(Array.from(enc.wordIndex), [-1, 0, 1, -1]);
  assertAlignsOnBrown(t);
});

test('WordLevel without an unknown token: an out-of-vocabulary word is an error naming it', () => {
  const dir = folder({
    version: '1.0',
    added_tokens: [special(0, '<s>')],
    normalizer: { type: 'Replace', pattern: { String: '\u200b' }, content: '' },
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: template(['<s>'], [], { '<s>': 0 }),
    model: { type: 'WordLevel', vocab: { '<s>': 0, the: 1, jury: 2 } },
  });
  const t = loadTokenizer(dir);
  assert.deepEqual(Array.from(t.encodeWords(['the', 'jury']).ids), [0, 1, 2]);
  assert.throws(
    () => t.encodeWords(['the', 'judge'], { where: { file: 'c.txt', line: 3 } }),
    /^GrainError: c\.txt:3: word 2 "judge" has a piece "judge" that is not in the vocabulary, and the tokenizer has no unknown token/,
  );
  // A word the normalizer reduces to nothing (a zero-width space here) holds no position: the
  // input is the tokenizer's own, and the word is listed as empty.
  const zw = t.encodeWords(['the', '\u200b', 'jury']);
  assert.deepEqual(Array.from(zw.ids), [0, 1, 2]);
  assert.deepEqual(Array.from(zw.wordIndex), [-1, 0, 2]);
  assert.deepEqual(zw.emptyWords, [1]);
  assert.deepEqual(Array.from(zw.ids), Array.from(t.encodeText('the \u200b jury')));
  assert.deepEqual(t.encodeWindows(['\u200b', 'the', '\u200b'], { size: 8, overlap: 2 }).map((w) => w.emptyWords), [[0, 2]]);
});

test('a sentence of words that all give no tokens, with no special token to read, is an error naming it', () => {
  const dir = folder({
    version: '1.0',
    added_tokens: [],
    normalizer: { type: 'Replace', pattern: { String: '\u200b' }, content: '' },
    pre_tokenizer: { type: 'WhitespaceSplit' },
    model: { type: 'WordLevel', vocab: { the: 0, jury: 1 }, unk_token: 'the' },
  });
  const t = loadTokenizer(dir);
  assert.deepEqual(t.encodeWords(['\u200b', 'jury']).emptyWords, [0]);
  const where = { file: 'c.txt', line: 9 };
  assert.throws(() => t.encodeWords(['\u200b', '\u200b'], { where }), /^GrainError: c\.txt:9: no word of this sentence gives a token \("\\u\{200b\}" "\\u\{200b\}"/);
  assert.throws(() => t.encodeWindows(['\u200b'], { size: 8, overlap: 2, where }), /c\.txt:9: no word of this sentence gives a token/);
});

test('a tokenizer whose pieces cross word boundaries is refused at load', () => {
  const vocab: Record<string, number> = {};
  for (const c of [' ', ...LETTERS, 'n ']) vocab[c] = Object.keys(vocab).length;
  const dir = folder({ model: { type: 'BPE', vocab, merges: [['n', ' ']] } });
  assert.throws(() => loadTokenizer(dir), /cannot align tokens to words with this tokenizer/);
});
