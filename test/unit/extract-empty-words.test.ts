import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openExtractionModel } from '../../src/core/extract/model';
import { extractTo, type ExtractRequest } from '../../src/core/extract/extractor';
import { MemorySink } from '../../src/core/store';
import { GrainError } from '../../src/core/errors';

// brown-bert's normalizer (BertNormalizer, clean_text) removes a zero-width space: a word made of
// one gives no tokens at all.
const ZW = '\u200b';

async function extract(model: Awaited<ReturnType<typeof openExtractionModel>>, sentences: string[][], opts: Partial<ExtractRequest> = {}) {
  const sink = new MemorySink();
  const warnings: string[] = [];
  await extractTo(
    model,
    { sentences, lines: sentences.map((_, i) => 10 + i), source: 'corpus.txt', aggregation: 'average', subword: false, keepSpecial: false, batchSize: 4, onWarning: (w) => warnings.push(w), ...opts },
    sink,
  );
  return { m: sink.result(), warnings };
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('a word without tokens: the model reads the line as the tokenizer made it, the word\'s row is zeros, the other rows are those of the line without it', async () => {
  const model = await openExtractionModel('models/brown-bert', { sites: 'layers', threads: 1 });
  try {
    const withWord = ['The', 'jury', ZW, 'said', 'it', 'did'];
    const without = ['The', 'jury', 'said', 'it', 'did'];
    // In one batch with a longer line, so padding is in play too.
    const longer = 'The Fulton County Grand Jury said Friday an investigation took place'.split(' ');
    const a = await extract(model, [withWord, longer]);
    const b = await extract(model, [without, longer]);
    const n = a.m.neurons;
    assert.deepEqual(a.m.tokens.slice(0, 6), withWord, 'one row per word, so labels stay aligned');
    assert.equal(a.m.sentenceOffsets[1], 6);
    const row = (m: typeof a.m, r: number) => m.data.subarray(r * n, (r + 1) * n);
    assert.ok(row(a.m, 2).every((x) => x === 0), 'the empty word\'s row is zeros');
    for (const [r, s] of [[0, 0], [1, 1], [3, 2], [4, 3], [5, 4]]) assert.ok(bytes(row(a.m, r)).equals(bytes(row(b.m, s))), `word ${withWord[r]}: same activations as without the empty word`);
    // Before, the word was fed as [UNK]: another input, and other activations for its neighbours.
    const unk = await extract(model, [['The', 'jury', '[UNK]', 'said', 'it', 'did'], longer]);
    assert.ok(!bytes(row(unk.m, 1)).equals(bytes(row(b.m, 1))), 'an [UNK] in its place would change the other words');
    assert.deepEqual(a.warnings, [
      'corpus.txt:10: word 3 "\\u{200b}" gives no tokens (the tokenizer\'s normalizer removes it): the model reads the line without it, and its row is zeros, as in NeuroX',
    ]);
    assert.deepEqual(b.warnings, []);

    // --subword: rows are input positions, and the empty word has none.
    const sub = await extract(model, [withWord], { subword: true });
    const subWithout = await extract(model, [without], { subword: true });
    assert.deepEqual(sub.m.tokens, subWithout.m.tokens);
    assert.ok(bytes(sub.m.data).equals(bytes(subWithout.m.data)));
    assert.match(sub.warnings[0], /word 3 "\\u\{200b\}" gives no tokens .* it has no row/);
  } finally {
    await model.close();
  }
});

test('--keep-special: a word without tokens between two words is placed; next to [CLS] or [SEP] it is refused, as NeuroX refuses it', async () => {
  const model = await openExtractionModel('models/brown-bert', { sites: 'layers', threads: 1 });
  try {
    const middle = await extract(model, [['The', ZW, 'jury']], { keepSpecial: true });
    assert.deepEqual(middle.m.tokens, ['[CLS]', 'The', ZW, 'jury', '[SEP]']);
    assert.ok(middle.m.data.subarray(2 * middle.m.neurons, 3 * middle.m.neurons).every((x) => x === 0));
    const plain = await extract(model, [['The', 'jury']], { keepSpecial: true });
    const n = plain.m.neurons;
    for (const [r, s] of [[0, 0], [1, 1], [3, 2], [4, 3]]) {
      assert.ok(bytes(middle.m.data.subarray(r * n, (r + 1) * n)).equals(bytes(plain.m.data.subarray(s * n, (s + 1) * n))), `row ${r}`);
    }
    // NeuroX's tests: "Dropped token after a Special token", "before a Special token", and a
    // sentence of one dropped token (between [CLS] and [SEP]).
    for (const [words, special] of [[[ZW, 'jury'], '[CLS]'], [['The', ZW], '[SEP]'], [[ZW], '[CLS]']] as const) {
      await assert.rejects(
        extract(model, [['fine'], [...words]], { keepSpecial: true }),
        (e: unknown) =>
          e instanceof GrainError &&
          e.where.file === 'corpus.txt' &&
          e.where.line === 11 &&
          e.message.includes(`gives no tokens and sits next to the special token "${special}"`) &&
          /NeuroX refuses this too/.test(e.message),
      );
    }
    // Without --keep-special the same lines extract: a row of zeros each.
    const edges = await extract(model, [[ZW, 'jury'], ['The', ZW], [ZW]]);
    assert.deepEqual(edges.m.tokens, [ZW, 'jury', 'The', ZW, ZW]);
    assert.equal(edges.warnings.length, 3);
  } finally {
    await model.close();
  }
});
