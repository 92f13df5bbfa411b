import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivationMatrix, SiteInfo } from '../../src/core/activations';
import { GrainError } from '../../src/core/errors';
import {
  appendSentence,
  createSink,
  GrainStoreReader,
  GrainStoreWriter,
  MemorySink,
  openActivations,
  type ActivationFormat,
  type ActivationSink,
} from '../../src/core/store';

const dir = mkdtempSync(join(tmpdir(), 'grain-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const SITES: SiteInfo[] = [
  { name: 'embeddings', kind: 'boundary', width: 8, tensor: 'emb_out' },
  { name: 'layer1', kind: 'boundary', width: 8 },
  { name: 'layer2', kind: 'boundary', width: 8 },
];
const SENTENCES = [
  ['The', 'cat', 'sat', '.'],
  ['Été', '"quoted"', 'back\\slash'],
  ['The', 'cat', 'sat', '.'], // duplicate: NeuroX's sentence_to_index can hold only one of these
  ['one'],
  ['A', 'much', 'longer', 'sentence', 'with', 'seven', 'words'],
];

function randomMatrix(seed: number): ActivationMatrix {
  const neurons = 24;
  const offsets = [0];
  for (const s of SENTENCES) offsets.push(offsets[offsets.length - 1] + s.length);
  const rows = offsets[offsets.length - 1];
  const data = new Float32Array(rows * neurons);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const scale = 10 ** ((x % 13) - 6); // magnitudes 1e-6 .. 1e6
    data[i] = ((x / 2 ** 32) * 2 - 1) * scale;
  }
  // Values that text formats tend to get wrong.
  data.set([-0, 1e-45, 3.4028234663852886e38, 1 / 3, 0.1, -123456789], 0);
  return { sites: SITES, neurons, tokens: SENTENCES.flat(), sentenceOffsets: Uint32Array.from(offsets), data };
}

async function writeAll(sink: ActivationSink, m: ActivationMatrix): Promise<void> {
  await sink.begin(m.sites);
  for (let s = 0; s + 1 < m.sentenceOffsets.length; s++) {
    const a = m.sentenceOffsets[s];
    const b = m.sentenceOffsets[s + 1];
    await appendSentence(sink, m.tokens.slice(a, b), m.data.slice(a * m.neurons, b * m.neurons));
  }
  await sink.close();
}

function assertBitwiseEqual(got: Float32Array, want: Float32Array): void {
  assert.equal(got.length, want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) assert.fail(`value ${i}: got ${got[i]} (0x${g[i].toString(16)}), want ${want[i]} (0x${w[i].toString(16)})`);
  }
}

function assertSameMatrix(got: ActivationMatrix, want: ActivationMatrix): void {
  assert.equal(got.neurons, want.neurons);
  assert.deepEqual(got.tokens, want.tokens);
  assert.deepEqual(Array.from(got.sentenceOffsets), Array.from(want.sentenceOffsets));
  assertBitwiseEqual(got.data, want.data);
}

for (const format of ['grain', 'json', 'hdf5'] as ActivationFormat[]) {
  test(`${format}: write then read gives back identical tokens, offsets and float32 bits`, async () => {
    const m = randomMatrix(format.length);
    const path = join(dir, `roundtrip.${format}`);
    await writeAll(createSink(path, format, { meta: { model: 'test' } }), m);
    const source = await openActivations(path);
    try {
      assert.equal(source.format, format);
      assert.equal(source.rows, 19);
      assert.equal(source.sentences, 5);
      assert.deepEqual(source.sites.map((s) => s.width), [8, 8, 8]);
      const names = source.sites.map((s) => s.name);
      // JSON keeps no site metadata: NeuroX's own names come back.
      assert.deepEqual(names, ['embeddings', 'layer1', 'layer2']);
      if (format !== 'json') assert.equal(source.sites[0].tensor, 'emb_out');
      assertSameMatrix(source.readAll(), m);
      // Chunks cover the rows in order and agree with readAll.
      const all = source.readAll().data;
      let next = 0;
      for (const c of source.chunks(4)) {
        assert.equal(c.start, next);
        assertBitwiseEqual(c.data, all.subarray(c.start * 24, (c.start + c.rows) * 24));
        next += c.rows;
      }
      assert.equal(next, 19);
    } finally {
      source.close();
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  });
}

test('grain: the file appears only on close, and abort leaves nothing', async () => {
  const m = randomMatrix(7);
  const path = join(dir, 'atomic.grain');
  const writer = GrainStoreWriter.create(path, { sites: SITES, dtype: 'float32' });
  writer.appendSentence(m.tokens.slice(0, 4), m.data.slice(0, 4 * 24));
  assert.equal(existsSync(path), false);
  writer.close();
  assert.equal(existsSync(path), true);

  for (const format of ['grain', 'json', 'hdf5'] as ActivationFormat[]) {
    const aborted = join(dir, `aborted.${format}`);
    const sink = createSink(aborted, format);
    await sink.begin(SITES);
    await appendSentence(sink, ['x'], new Float32Array(24));
    await sink.abort();
    assert.equal(existsSync(aborted), false);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('grain: meta and sites are kept; readRows reads any range', () => {
  const m = randomMatrix(3);
  const path = join(dir, 'meta.grain');
  const w = GrainStoreWriter.create(path, { sites: SITES, dtype: 'float32', meta: { model: 'brown-lstm', n: 3 } });
  for (let s = 0; s < 5; s++) {
    const [a, b] = [m.sentenceOffsets[s], m.sentenceOffsets[s + 1]];
    w.appendSentence(m.tokens.slice(a, b), m.data.subarray(a * 24, b * 24));
  }
  w.close();
  const r = GrainStoreReader.open(path);
  assert.deepEqual(r.meta, { model: 'brown-lstm', n: 3 });
  assert.deepEqual(r.sites, SITES);
  assertBitwiseEqual(r.readRows(5, 3), m.data.subarray(5 * 24, 8 * 24));
  assert.equal(r.readRows(19, 0).length, 0);
  assert.throws(() => r.readRows(18, 2), RangeError);
  r.close();
});

test('grain float16: half the data size, values within float16 precision', async () => {
  const m = randomMatrix(11);
  // Keep values inside float16's normal range so the relative bound holds.
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sign(m.data[i]) * Math.min(60000, Math.max(1e-3, Math.abs(m.data[i])));
  const p32 = join(dir, 'f32.grain');
  const p16 = join(dir, 'f16.grain');
  await writeAll(createSink(p32, 'grain', { dtype: 'float32' }), m);
  await writeAll(createSink(p16, 'grain', { dtype: 'float16' }), m);
  const r16 = GrainStoreReader.open(p16);
  assert.equal(r16.dtype, 'float16');
  const got = r16.readAll();
  r16.close();
  assert.deepEqual(got.tokens, m.tokens);
  for (let i = 0; i < m.data.length; i++) {
    const err = Math.abs(got.data[i] - m.data[i]);
    assert.ok(err <= Math.abs(m.data[i]) * 2 ** -11, `value ${i}: ${got.data[i]} vs ${m.data[i]}`);
  }
  const dataBytes = 19 * 24;
  assert.equal(statSync(p32).size - statSync(p16).size, dataBytes * 2);
});

test('MemorySink grows past its initial buffer and returns exactly what was appended', async () => {
  const sink = new MemorySink();
  await sink.begin([{ name: 'a', kind: 'custom', width: 3 }]);
  const want: number[] = [];
  for (let s = 0; s < 500; s++) {
    const n = (s % 4) + 1;
    const rows = Float32Array.from({ length: n * 3 }, (_, i) => s * 100 + i);
    want.push(...rows);
    sink.appendRows(Array.from({ length: n }, (_, i) => `w${s}.${i}`), rows);
    sink.endSentence();
  }
  const m = sink.result();
  assert.equal(m.sentenceOffsets.length, 501);
  assert.equal(m.sentenceOffsets[500], m.tokens.length);
  assert.equal(m.tokens[m.sentenceOffsets[499]], 'w499.0');
  assert.deepEqual(Array.from(m.data), want);
  assert.throws(() => sink.appendRows(['x'], new Float32Array(2)));
});

test('NeuroX JSON layout: one object per line with linex_index, token and indexed layers', async () => {
  const m = randomMatrix(5);
  const path = join(dir, 'layout.json');
  await writeAll(createSink(path, 'json'), m);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 5);
  const first = JSON.parse(lines[1]);
  assert.equal(first.linex_index, 1);
  assert.equal(first.features.length, 3);
  assert.equal(first.features[0].token, 'Été');
  assert.deepEqual(first.features[0].layers.map((l: { index: number }) => l.index), [0, 1, 2]);
  assert.equal(first.features[0].layers[2].values.length, 8);
  assert.equal(Math.fround(first.features[0].layers[2].values[7]), m.data[4 * 24 + 23]);
});

test('NeuroX formats refuse sites of unequal widths and point to --format grain', async () => {
  const sites: SiteInfo[] = [
    { name: 'layer1', kind: 'boundary', width: 8 },
    { name: 'mlp1', kind: 'mlp', width: 32 },
  ];
  for (const format of ['json', 'hdf5'] as ActivationFormat[]) {
    const path = join(dir, `unequal.${format}`);
    await assert.rejects(createSink(path, format).begin(sites), (e: unknown) => {
      assert.ok(e instanceof GrainError);
      assert.match(e.message, /same width.*layer1=8, mlp1=32.*--format grain/);
      return true;
    });
    assert.equal(existsSync(path), false);
  }
});

test('openActivations refuses a file in no known format', async () => {
  const path = join(dir, 'plain.txt');
  (await import('node:fs')).writeFileSync(path, 'The cat sat .\n');
  await assert.rejects(openActivations(path), (e: unknown) => e instanceof GrainError && /not an activations file/.test(e.message));
  await assert.rejects(openActivations(join(dir, 'missing.grain')), (e: unknown) => e instanceof GrainError && /not found/.test(e.message));
});

test('a sentence with no tokens survives every format', async () => {
  const m: ActivationMatrix = {
    sites: SITES,
    neurons: 24,
    tokens: ['a', 'b', 'c'],
    sentenceOffsets: Uint32Array.from([0, 0, 1, 1, 3]),
    data: Float32Array.from({ length: 72 }, (_, i) => i / 7),
  };
  for (const format of ['grain', 'json', 'hdf5'] as ActivationFormat[]) {
    const path = join(dir, `empty-sentence.${format}`);
    await writeAll(createSink(path, format), m);
    const source = await openActivations(path);
    assert.equal(source.sentences, 4, format);
    assertSameMatrix(source.readAll(), m);
    source.close();
  }
});
