import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float16BitsToFloat32, float32ToFloat16Bits, openActivations } from '../../src/core/store';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { neuroxLoadActivationsHdf5 } from '../helpers/neurox-loader';

const TEXT = join(MODELS, 'brown-test-2000.txt');

test('brown-lstm-s1 on brown-test-2000: NeuroX JSON and HDF5 round-trip through Grain unchanged', async (t) => {
  const dir = tempDir(t);
  const outs = { grain: join(dir, 'a.grain'), json: join(dir, 'a.json'), hdf5: join(dir, 'a.hdf5') };
  for (const [format, out] of Object.entries(outs)) {
    const run = grain(['extract', '--model', join(MODELS, 'brown-lstm-s1'), '--input', TEXT, '--out', out, '--format', format]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /wrote 43805 rows x 768 neurons \(embeddings:256 layer1:256 layer2:256\) for 2000 sentences/);
  }
  const reference = (await openActivations(outs.grain)).readAll();
  assert.equal(reference.tokens.length, 43805);
  assert.deepEqual(reference.tokens.slice(0, 4), ['Vincent', 'G.', 'Ierulli', 'has']);
  for (const format of ['json', 'hdf5'] as const) {
    const source = await openActivations(outs[format]);
    assert.equal(source.format, format);
    const m = source.readAll();
    assert.deepEqual(m.sites.map((s) => [s.name, s.width]), reference.sites.map((s) => [s.name, s.width]));
    assert.deepEqual(m.tokens, reference.tokens);
    assert.deepEqual(m.sentenceOffsets, reference.sentenceOffsets);
    // Bitwise: the same float32 values, not merely close ones.
    assert.ok(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).equals(Buffer.from(reference.data.buffer, reference.data.byteOffset, reference.data.byteLength)), `${format} data differs`);
    source.close();
  }
  // brown-test-2000 repeats 11 texts (1,973 distinct of 2,000 lines). NeuroX's loader reads the
  // sentences the keys of sentence_to_index list: one key per text read 1,973 sentences (43,745
  // rows), misaligned from line 545 on; NeuroX's "(Occurrence k)" keys give every sentence in order.
  const lines = readFileSync(TEXT, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const seen = new Set<string>();
  const expectedKeys = lines.map((line) => {
    const text = line.split(' ').join(' ');
    let key = text;
    for (let k = 2; seen.has(key); k++) key = `${text} (Occurrence ${k})`;
    seen.add(key);
    return key;
  });
  assert.equal(new Set(lines).size, 1973);
  const loaded = await neuroxLoadActivationsHdf5(outs.hdf5);
  assert.deepEqual(loaded.keys, expectedKeys);
  assert.deepEqual(loaded.datasets, lines.map((_, i) => String(i)));
  assert.equal(loaded.rows, 43805);
  assert.deepEqual(loaded.activations.map((a) => a.rows), lines.map((l) => l.split(' ').length));
  const neuroxRows = new Float32Array(43805 * 768);
  loaded.activations.reduce((at, a) => (neuroxRows.set(a.data, at), at + a.data.length), 0);
  assert.ok(Buffer.from(neuroxRows.buffer).equals(Buffer.from(reference.data.buffer, reference.data.byteOffset, reference.data.byteLength)), 'NeuroX reads other values');
  assert.deepEqual(readdirSync(dir).sort(), ['a.grain', 'a.hdf5', 'a.json'], 'no temporary files left behind');
});

test('word aggregation: first, last and average of a word\'s subwords (brown-gpt), with --subword as the reference', async (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'in.txt');
  // "Ierulli" and "appointed" are several BPE pieces each.
  writeFileSync(input, 'Vincent G. Ierulli has been appointed\n');
  const sub = join(dir, 'sub.grain');
  assert.equal(grain(['extract', '--model', join(MODELS, 'brown-gpt'), '--input', input, '--out', sub, '--subword']).status, 0);
  const subword = (await openActivations(sub)).readAll();
  assert.equal(subword.tokens[0], '<|endoftext|>', 'subword mode keeps the special token');
  const byAgg: Record<string, Float32Array> = {};
  for (const agg of ['first', 'last', 'average']) {
    const out = join(dir, `${agg}.grain`);
    assert.equal(grain(['extract', '--model', join(MODELS, 'brown-gpt'), '--input', input, '--out', out, '--aggregation', agg]).status, 0);
    const m = (await openActivations(out)).readAll();
    assert.deepEqual(m.tokens, ['Vincent', 'G.', 'Ierulli', 'has', 'been', 'appointed']);
    byAgg[agg] = m.data;
  }
  // Map subword rows to words by re-reading the tokenizer's alignment through the pieces: the
  // pieces of word w are the rows between the specials whose text joins back to the word.
  const pieces = subword.tokens.slice(1).map((p) => p.replace(/^Ġ/, ''));
  const words = ['Vincent', 'G.', 'Ierulli', 'has', 'been', 'appointed'];
  const spans: [number, number][] = [];
  let at = 1;
  for (const w of words) {
    let text = '';
    const start = at;
    while (text !== w) text += pieces[at++ - 1];
    spans.push([start, at]);
  }
  assert.ok(spans.some(([a, b]) => b - a > 1), 'the sentence has multi-piece words');
  const n = subword.neurons;
  spans.forEach(([a, b], w) => {
    for (let u = 0; u < n; u += 37) {
      let sum = 0;
      for (let r = a; r < b; r++) sum += subword.data[r * n + u];
      assert.equal(byAgg.first[w * n + u], subword.data[a * n + u]);
      assert.equal(byAgg.last[w * n + u], subword.data[(b - 1) * n + u]);
      assert.ok(Math.abs(byAgg.average[w * n + u] - sum / (b - a)) < 1e-6);
    }
  });
});

test('--sites mlp and all on brown-gpt give the feed-forward activations; an LSTM has none', async (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'The jury said it did find that\n');
  const all = join(dir, 'all.grain');
  const run = grain(['extract', '--model', join(MODELS, 'brown-gpt'), '--input', input, '--out', all, '--sites', 'all']);
  assert.equal(run.status, 0, run.stderr);
  const m = (await openActivations(all)).readAll();
  assert.deepEqual(m.sites.map((s) => `${s.name}:${s.width}`), ['embeddings:256', 'layer1:256', 'layer2:256', 'layer3:256', 'layer4:256', 'mlp1:1024', 'mlp2:1024', 'mlp3:1024', 'mlp4:1024'].sort((a, b) => m.sites.findIndex((s) => a.startsWith(s.name + ':')) - m.sites.findIndex((s) => b.startsWith(s.name + ':'))));
  // GELU outputs are bounded below by about -0.17.
  const mlpStart = m.sites.slice(0, m.sites.findIndex((s) => s.kind === 'mlp')).reduce((a, s) => a + s.width, 0);
  let min = Infinity;
  for (let r = 0; r < m.tokens.length; r++) for (let u = mlpStart; u < m.neurons; u++) min = Math.min(min, m.data[r * m.neurons + u]);
  assert.ok(min > -0.171 && min < 0, `min GELU output ${min}`);
  const lstm = grain(['extract', '--model', join(MODELS, 'brown-lstm-s1'), '--input', input, '--out', join(dir, 'x.grain'), '--sites', 'mlp']);
  assert.equal(lstm.status, 1);
  assert.match(lstm.stderr, /mlp|MLP|feed-forward/);
  assert.ok(!existsSync(join(dir, 'x.grain')));
});

test('NeuroX options: --layers in the order given, --ignore-embeddings with --decompose-layers and --float16, float16 HDF5', async (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'Vincent G. Ierulli has been appointed\nHe is married .\nHe is married .\n');
  const model = join(MODELS, 'brown-gpt');
  const run = (...args: string[]) => grain(['extract', '--model', model, '--input', input, ...args]);
  const full = join(dir, 'full.grain');
  assert.equal(run('--out', full).status, 0);
  const ref = (await openActivations(full)).readAll();
  assert.deepEqual(ref.sites.map((s) => s.name), ['embeddings', 'layer1', 'layer2', 'layer3', 'layer4']);
  const column = (m: typeof ref, row: number, site: number) => Array.from(m.data.subarray(row * m.neurons + site * 256, row * m.neurons + (site + 1) * 256));

  // filter_layers: layer4 then the embeddings, by name and by NeuroX index alike.
  for (const layers of ['layer4,embeddings', '4,0']) {
    const out = join(dir, `filtered-${layers.length}.hdf5`);
    const r = run('--out', out, '--layers', layers);
    assert.equal(r.status, 0, r.stderr);
    const m = (await openActivations(out)).readAll();
    assert.deepEqual(m.sites.map((s) => s.name), ['layer4', 'embeddings']);
    assert.deepEqual(m.tokens, ref.tokens);
    for (let row = 0; row < ref.tokens.length; row++) {
      assert.deepEqual(column(m, row, 0), column(ref, row, 4));
      assert.deepEqual(column(m, row, 1), column(ref, row, 0));
    }
  }

  // include_embeddings false + decompose_layers + dtype float16: acts-layer0.json is layer1.
  const out = join(dir, 'acts.json');
  const r = run('--out', out, '--ignore-embeddings', '--decompose-layers', '--float16');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /acts-layer0\.json, .*acts-layer3\.json \[json\]/);
  for (let k = 0; k < 4; k++) {
    const m = (await openActivations(join(dir, `acts-layer${k}.json`))).readAll();
    assert.equal(m.neurons, 256);
    assert.deepEqual(m.tokens, ref.tokens);
    for (let row = 0; row < ref.tokens.length; row++) {
      assert.deepEqual(column(m, row, 0), column(ref, row, k + 1).map((x) => float16BitsToFloat32(float32ToFloat16Bits(x))), `layer${k + 1} row ${row}`);
    }
  }
  assert.ok(!existsSync(out), 'no undecomposed file');

  // dtype float16 in NeuroX HDF5: the same values rounded to float16.
  const half = run('--out', join(dir, 'half.hdf5'), '--float16');
  assert.equal(half.status, 0, half.stderr);
  const h = (await openActivations(join(dir, 'half.hdf5'))).readAll();
  assert.deepEqual(h.tokens, ref.tokens);
  assert.deepEqual(Array.from(h.data), Array.from(ref.data, (x) => float16BitsToFloat32(float32ToFloat16Bits(x))));
  const both = run('--out', join(dir, 'x.hdf5'), '--layers', '1', '--ignore-embeddings');
  assert.equal(both.status, 2);
  assert.match(both.stderr, /cannot be used together/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('half') || f.startsWith('x.')), ['half.hdf5']);
});
