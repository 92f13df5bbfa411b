import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrainError } from '../../src/core/errors';
import { createSink, openActivations, readNeuroxHdf5, readNeuroxJson } from '../../src/core/store';

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

test('HDF5: a duplicate sentence without grain_tokens is an error naming the sentence', async () => {
  // As NeuroX writes it: both "a b" sentences map to the last index, so index 0 has no text.
  const path = await neuroxH5('dup.h5', [['a', 'b'], ['c'], ['a', 'b']], { 'a b': '2', c: '1' });
  await assert.rejects(readNeuroxHdf5(path), isGrainError(path, undefined, /sentence 0 has no entry in "sentence_to_index".*repeated sentence/));
});

test('HDF5: inconsistent shapes, word counts and missing datasets are errors', async () => {
  const words = await neuroxH5('words.h5', [['a', 'b'], ['c']], { 'a b c': '0', c: '1' });
  await assert.rejects(readNeuroxHdf5(words), isGrainError(words, undefined, /dataset "0" holds 2 words but sentence 0 has 3 tokens/));

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
