import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { openPaths } from '../helpers/descriptors';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrainError } from '../../src/core/errors';
import { createSink, openActivations, readNeuroxHdf5, readNeuroxJson } from '../../src/core/store';
import { neuroxLoadActivationsHdf5 } from '../helpers/neurox-loader';

const dir = mkdtempSync(join(tmpdir(), 'grain-neurox-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function jsonFile(lines: unknown[] | string): string {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, typeof lines === 'string' ? lines : lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

const tok = (token: string, ...layers: unknown[][]) => ({ token, layers: layers.map((values, index) => ({ index, values })) });
const line = (i: number, ...features: unknown[]) => ({ linex_index: i, features });

function isGrainError(file: string, lineNo: number | undefined, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof GrainError, `expected GrainError, got ${e}`);
    assert.equal(e.where.file, file);
    assert.equal(e.where.line, lineNo);
    assert.match(e.message, pattern);
    return true;
  };
}

test('JSON written by NeuroX (float64 text, spaces) reads as float32 with NeuroX site names', async () => {
  const path = jsonFile([line(0, tok('Hi', [0.10000000149011612, 2], [3, -4]), tok('there', [5, 6], [7, 8])), line(1, tok('x', [1, 1], [1, 1]))]);
  const m = await readNeuroxJson(path);
  assert.deepEqual(m.tokens, ['Hi', 'there', 'x']);
  assert.deepEqual(Array.from(m.sentenceOffsets), [0, 2, 3]);
  assert.deepEqual(m.sites.map((s) => s.name), ['embeddings', 'layer1']);
  assert.deepEqual(Array.from(m.data.subarray(0, 8)), [Math.fround(0.1), 2, 3, -4, 5, 6, 7, 8]);
});

test('JSON reader: each structural problem is named with its line', async () => {
  const ok = line(0, tok('a', [1, 2], [3, 4]));
  const cases: [unknown[] | string, number | undefined, RegExp][] = [
    [[ok, { linex_index: 1 }], 2, /missing "features"/],
    [[ok, line(1, tok('b', [1, 2]))], 2, /token 0 has 1 layers, expected 2/],
    [[ok, line(1, tok('b', [1, 2], [3]))], 2, /token 0, layer 1 has 1 values, expected 2/],
    [[ok, line(1, tok('b', [1, 2], [3, 'x']))], 2, /value 1 is "x", not a number/],
    [[ok, line(1, tok('b', [1, 2], [3, null]))], 2, /value 1 is null, not a number/],
    [[ok, '{"linex_index": 1, "features": [{"token": "b", "layers": [{"index": 0, "values": [NaN, 1]}, {"index": 1, "values": [1, 1]}]}]}'], 2, /NaN or Infinity/],
    [[ok, line(1, tok('b', [1e39, 2], [3, 4]))], 2, /beyond float32 range/],
    [[ok, line(2, tok('b', [1, 2], [3, 4]))], 2, /"linex_index" is 2, expected 1/],
    [[ok, line(1, { layers: [] })], 2, /token 0 has no "token" string/],
    [[ok, line(1, { token: 'b', layers: [{ index: 1, values: [1, 2] }, { index: 0, values: [1, 2] }] })], 2, /has "index" 1, expected 0/],
    [[ok, '{"linex_index": 1, "features": ['], 2, /not valid JSON/],
    [[ok, '', line(1, tok('b', [1, 2], [3, 4]))], 2, /blank line/],
    [[ok, '[1, 2]'], 2, /not a JSON object/],
    ['', undefined, /empty/],
  ];
  for (const [content, lineNo, pattern] of cases) {
    const path = jsonFile(content);
    await assert.rejects(readNeuroxJson(path), isGrainError(path, lineNo, pattern));
  }
});

test('JSON reader: invalid UTF-8 is reported at its line', async () => {
  const path = join(dir, 'bad-utf8.json');
  writeFileSync(path, Buffer.concat([Buffer.from(JSON.stringify(line(0, tok('a', [1]))) + '\n{"token": "'), Buffer.from([0xfe]), Buffer.from('"}\n')]));
  await assert.rejects(readNeuroxJson(path), isGrainError(path, 2, /invalid UTF-8 \(0xfe\) at line 2, byte 12/));
});

test('JSON writer refuses NaN and Infinity activations', async () => {
  const path = join(dir, 'nan-out.json');
  const sink = createSink(path, 'json');
  await sink.begin([{ name: 'embeddings', kind: 'boundary', width: 2 }]);
  await assert.rejects(async () => sink.appendRows(['a'], new Float32Array([1, NaN])), isGrainError(path, undefined, /NaN.*sentence 0, token 0.*--format grain/));
  await sink.abort();
});

// h5wasm's WebAssembly start-up takes a few seconds, paid once in this file.
async function h5(): Promise<typeof import('h5wasm/node')> {
  const mod = await import('h5wasm/node');
  const module = await mod.ready;
  module.activate_throwing_error_handler();
  return mod;
}

async function neuroxH5(name: string, sentences: string[][], map: Record<string, string>, layers = 2, hidden = 3): Promise<string> {
  const { File } = await h5();
  const path = join(dir, name);
  const f = new File(path, 'w');
  sentences.forEach((words, i) => {
    const data = Float32Array.from({ length: layers * words.length * hidden }, (_, k) => i * 1000 + k);
    f.create_dataset({ name: String(i), data, shape: [layers, words.length, hidden], dtype: '<f' });
  });
  f.create_dataset({ name: 'sentence_to_index', data: [JSON.stringify(map)] });
  f.close();
  return path;
}

test('HDF5 written by NeuroX (no grain_tokens): tokens from sentence_to_index, [layers, words, hidden] transposed', async () => {
  const path = await neuroxH5('neurox.h5', [['a', 'b'], ['c']], { 'a b': '0', c: '1' });
  const src = await openActivations(path);
  assert.equal(src.format, 'hdf5');
  const m = src.readAll();
  assert.deepEqual(m.tokens, ['a', 'b', 'c']);
  assert.deepEqual(m.sites.map((s) => s.name), ['embeddings', 'layer1']);
  // Sentence 0 cube [2][2][3] with value k at flat index k: word 0 = layer0 (0,1,2) + layer1 (6,7,8).
  assert.deepEqual(Array.from(m.data.subarray(0, 6)), [0, 1, 2, 6, 7, 8]);
  assert.deepEqual(Array.from(m.data.subarray(6, 12)), [3, 4, 5, 9, 10, 11]);
  assert.deepEqual(Array.from(m.data.subarray(12, 18)), [1000, 1001, 1002, 1003, 1004, 1005]);
});

test('HDF5 as NeuroX writes it: a repeated sentence keyed "<text> (Occurrence k)" reads back in place', async () => {
  // NeuroX's HDF5ActivationsWriter (tests/data/test_writer.py, test_duplicate_sentence_hdf5):
  // the second "a b" is "a b (Occurrence 2)", the third "a b (Occurrence 3)".
  const sentences = [['a', 'b'], ['c'], ['a', 'b'], ['a', 'b']];
  const path = await neuroxH5('occurrences.h5', sentences, { 'a b': '0', c: '1', 'a b (Occurrence 2)': '2', 'a b (Occurrence 3)': '3' });
  const m = (await readNeuroxHdf5(path));
  assert.deepEqual(m.tokens, ['a', 'b', 'c', 'a', 'b', 'a', 'b']);
  assert.deepEqual(Array.from(m.sentenceOffsets), [0, 2, 3, 5, 7]);
  // Sentence 3's first word: layer 0 (3000, 3001, 3002), layer 1 (3006, 3007, 3008).
  assert.deepEqual(Array.from(m.data.subarray(5 * 6, 5 * 6 + 6)), [3000, 3001, 3002, 3006, 3007, 3008]);
});

test('HDF5: "(Occurrence k)" in a sentence\'s own words stays words; the word count decides', async () => {
  // Sentence 1 really is the three words "x (Occurrence 2)"; sentence 3 is the second "y".
  const sentences = [['x'], ['x', '(Occurrence', '2)'], ['y'], ['y']];
  const path = await neuroxH5('own-words.h5', sentences, { x: '0', 'x (Occurrence 2)': '1', y: '2', 'y (Occurrence 2)': '3' });
  const m = await readNeuroxHdf5(path);
  assert.deepEqual(m.tokens, ['x', 'x', '(Occurrence', '2)', 'y', 'y']);
  // An occurrence key whose text has no earlier entry is not one: the counts disagree, and the message says so.
  const orphan = await neuroxH5('orphan.h5', [['y']], { 'z (Occurrence 2)': '0' });
  await assert.rejects(readNeuroxHdf5(orphan), isGrainError(orphan, undefined, /dataset "0" holds 1 words but sentence 0 \("z \(Occurrence 2\)" in "sentence_to_index"\) has 3 tokens/));
});

test('HDF5 of a writer that kept one entry per text (NeuroX before 2021): the lost sentence is an error naming it', async () => {
  // Both "a b" sentences map to the last index, so index 0 has no text.
  const path = await neuroxH5('dup.h5', [['a', 'b'], ['c'], ['a', 'b']], { 'a b': '2', c: '1' });
  await assert.rejects(readNeuroxHdf5(path), isGrainError(path, undefined, /sentence 0 has no entry in "sentence_to_index".*loses repeated sentences/));
});

test('HDF5 Grain wrote before occurrence keys (one entry per text, with grain_tokens) still reads every sentence', async () => {
  const { File } = await h5();
  const path = join(dir, 'old-grain.h5');
  const f = new File(path, 'w');
  const sentences = [['a', 'b'], ['c'], ['a', 'b']];
  sentences.forEach((words, i) => f.create_dataset({ name: String(i), data: Float32Array.from({ length: words.length * 2 }, (_, k) => i * 10 + k), shape: [1, words.length, 2], dtype: '<f' }));
  f.create_dataset({ name: 'sentence_to_index', data: [JSON.stringify({ 'a b': '2', c: '1' })] });
  f.create_dataset({ name: 'grain_tokens', data: [JSON.stringify(sentences)] });
  f.close();
  const m = await readNeuroxHdf5(path);
  assert.deepEqual(m.tokens, ['a', 'b', 'c', 'a', 'b']);
  assert.deepEqual(Array.from(m.data), [0, 1, 2, 3, 10, 11, 20, 21, 22, 23]);
});

test('HDF5 Grain writes: NeuroX\'s keys in sentence order, so NeuroX\'s loader reads every sentence in order', async () => {
  const sites = [{ name: 'embeddings', kind: 'boundary' as const, width: 2 }, { name: 'layer1', kind: 'boundary' as const, width: 2 }];
  // "1961" is an integer-like key: a plain JS object would serialise it first, and NeuroX would read it first.
  const sentences = [['The', 'end'], ['1961'], ['The', 'end'], ['Été', '"q"'], ['The', 'end'], ['1961']];
  const path = join(dir, 'grain-written.hdf5');
  const sink = createSink(path, 'hdf5');
  await sink.begin(sites);
  let v = 0;
  for (const words of sentences) {
    await sink.appendRows(words, Float32Array.from({ length: words.length * 4 }, () => v++));
    await sink.endSentence(words);
  }
  await sink.close();
  const loaded = await neuroxLoadActivationsHdf5(path);
  assert.deepEqual(loaded.keys, ['The end', '1961', 'The end (Occurrence 2)', 'Été "q"', 'The end (Occurrence 3)', '1961 (Occurrence 2)']);
  assert.deepEqual(loaded.datasets, ['0', '1', '2', '3', '4', '5']);
  assert.equal(loaded.rows, 10);
  assert.equal(loaded.numLayers, 2);
  // NeuroX's rows are Grain's rows: [words, layers * hidden], values in the order written.
  assert.deepEqual(loaded.activations.flatMap((a) => Array.from(a.data)), Array.from({ length: 40 }, (_, i) => i));
  // And Grain reads the file back bitwise; without grain_tokens it reads NeuroX's keys the same.
  const back = await readNeuroxHdf5(path);
  assert.deepEqual(back.tokens, sentences.flat());
  assert.deepEqual(Array.from(back.data), Array.from({ length: 40 }, (_, i) => i));
  const { File } = await h5();
  const bare = join(dir, 'grain-written-bare.hdf5');
  const src = new File(path, 'r');
  const out = new File(bare, 'w');
  for (let i = 0; i < sentences.length; i++) {
    const d = src.get(String(i)) as InstanceType<Awaited<ReturnType<typeof h5>>['Dataset']>;
    out.create_dataset({ name: String(i), data: d.value as Float32Array, shape: d.shape as number[], dtype: '<f' });
  }
  out.create_dataset({ name: 'sentence_to_index', data: [((src.get('sentence_to_index') as InstanceType<Awaited<ReturnType<typeof h5>>['Dataset']>).value as string[])[0]] });
  src.close();
  out.close();
  const fromKeys = await readNeuroxHdf5(bare);
  assert.deepEqual(fromKeys.tokens, sentences.flat());
  assert.deepEqual(Array.from(fromKeys.data), Array.from({ length: 40 }, (_, i) => i));
});

test('HDF5: sentences in pieces (windowed long lines) and whole ones read back the same', async () => {
  const sites = [0, 1, 2].map((i) => ({ name: `layer${i}`, kind: 'boundary' as const, width: 3 }));
  // Words per appendRows call, per sentence: a whole sentence goes straight to the heap block; a
  // second piece moves the first out of it to the per-layer buffers; the last sentence is longer
  // than any before (the block grows).
  const pieces = [[2, 1], [3], [1, 1, 2], [4], [2, 5], [9]];
  const path = join(dir, 'pieces.hdf5');
  const sink = createSink(path, 'hdf5');
  await sink.begin(sites);
  let v = 0;
  const tokens: string[] = [];
  for (const [s, counts] of pieces.entries()) {
    const words: string[] = [];
    for (const count of counts) {
      const piece = Array.from({ length: count }, (_, i) => `s${s}w${words.length + i}`);
      words.push(...piece);
      await sink.appendRows(piece, Float32Array.from({ length: count * 9 }, () => v++));
    }
    tokens.push(...words);
    await sink.endSentence(words);
  }
  await sink.close();
  const back = await readNeuroxHdf5(path);
  assert.deepEqual(back.tokens, tokens);
  assert.deepEqual(Array.from(back.data), Array.from({ length: v }, (_, i) => i));
  // NeuroX's own loader sees each sentence as [words, layers * hidden] rows in the same order.
  const loaded = await neuroxLoadActivationsHdf5(path);
  assert.deepEqual(loaded.activations.map((a) => a.data.length / 9), pieces.map((c) => c.reduce((a, b) => a + b, 0)));
  assert.deepEqual(loaded.activations.flatMap((a) => Array.from(a.data)), Array.from({ length: v }, (_, i) => i));
});

test('HDF5: inconsistent shapes, word counts and missing datasets are errors', async () => {
  const words = await neuroxH5('words.h5', [['a', 'b'], ['c']], { 'a b c': '0', c: '1' });
  await assert.rejects(readNeuroxHdf5(words), isGrainError(words, undefined, /dataset "0" holds 2 words but sentence 0 \("a b c" in "sentence_to_index"\) has 3 tokens/));

  const { File } = await h5();
  const mixed = join(dir, 'mixed.h5');
  const f = new File(mixed, 'w');
  f.create_dataset({ name: '0', data: new Float32Array(6), shape: [2, 1, 3], dtype: '<f' });
  f.create_dataset({ name: '1', data: new Float32Array(4), shape: [1, 1, 4], dtype: '<f' });
  f.create_dataset({ name: 'sentence_to_index', data: [JSON.stringify({ a: '0', b: '1' })] });
  f.close();
  await assert.rejects(readNeuroxHdf5(mixed), isGrainError(mixed, undefined, /dataset "1" has 1 layers x 4 units, but dataset "0" has 2 x 3/));

  const gap = join(dir, 'gap.h5');
  const g = new File(gap, 'w');
  g.create_dataset({ name: '0', data: new Float32Array(3), shape: [1, 1, 3], dtype: '<f' });
  g.create_dataset({ name: '2', data: new Float32Array(3), shape: [1, 1, 3], dtype: '<f' });
  g.create_dataset({ name: 'sentence_to_index', data: [JSON.stringify({ a: '0', b: '1' })] });
  g.close();
  await assert.rejects(readNeuroxHdf5(gap), isGrainError(gap, undefined, /sentence dataset "1" is missing/));
});

test('HDF5: a file with the signature but damaged body, and a non-activations HDF5 file', async () => {
  const broken = join(dir, 'broken.h5');
  writeFileSync(broken, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]));
  await assert.rejects(openActivations(broken), isGrainError(broken, undefined, /not a readable HDF5 file/));

  const { File } = await h5();
  const other = join(dir, 'other.h5');
  const f = new File(other, 'w');
  f.create_dataset({ name: 'weights', data: new Float32Array(4) });
  f.close();
  await assert.rejects(readNeuroxHdf5(other), isGrainError(other, undefined, /no sentence datasets/));
});

test('a large NeuroX HDF5 file is flushed to disk as it is written, and no descriptor on it is left after close', { skip: process.platform !== 'linux' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-h5-flush-'));
  try {
    const path = join(dir, 'big.hdf5');
    const sink = createSink(path, 'hdf5', {});
    await sink.begin([{ name: 'layer0', kind: 'boundary', width: 1024 }]);
    const rows = new Float32Array(256 * 1024).map((_, i) => i % 1000); // 1 MiB
    let sawFlush = false;
    for (let s = 0; s < 12; s++) {
      await sink.appendRows(Array.from({ length: 256 }, (_, i) => `s${s}w${i}`), rows);
      await sink.endSentence();
      // The writer holds one descriptor on the temporary file; an early flush holds a second.
      const onTemp = openPaths().filter((p) => p.startsWith(dir) && p !== path).length;
      sawFlush ||= onTemp >= 2;
    }
    assert.ok(sawFlush, 'an early flush ran while the file was written (past 8 MiB)');
    await sink.close();
    assert.ok(!openPaths().some((p) => p.startsWith(dir)), 'no descriptor left in the folder');
    const m = await readNeuroxHdf5(path);
    assert.equal(m.tokens.length, 12 * 256);
    assert.equal(m.data[5 * 1024 + 7], (5 * 1024 + 7) % 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
