// NeuroX's format options: filter_layers / include_embeddings (selectSites), decompose_layers
// (PerLayerSink, perLayerPath) and dtype float16 (NeuroX JSON and HDF5, written and read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteInfo } from '../../src/core/activations';
import { GrainError } from '../../src/core/errors';
import { selectSites } from '../../src/core/extract/layer-filter';
import { createSink, float16BitsToFloat32, float32ToFloat16Bits, openActivations, PerLayerSink, perLayerPath, readNeuroxHdf5 } from '../../src/core/store';

const dir = mkdtempSync(join(tmpdir(), 'grain-neurox-options-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const site = (name: string, width = 3, kind: SiteInfo['kind'] = 'boundary'): SiteInfo => ({ name, kind, width });
const SITES = [site('embeddings'), site('layer1'), site('layer2'), site('layer3')];
const names = (s: { site: SiteInfo; neuroxIndex: number }[]) => s.map((x) => `${x.site.name}@${x.neuroxIndex}`);

test('layer filter: NeuroX\'s filter_layers indices or site names, in the order given; include_embeddings false renumbers from the first block', () => {
  assert.deepEqual(names(selectSites(SITES, undefined)), ['embeddings@0', 'layer1@1', 'layer2@2', 'layer3@3']);
  // NeuroX's test_save_filter_layers writes layers [1, 3, 5, 7, 12] in that order; here 3, 0, 2.
  assert.deepEqual(names(selectSites(SITES, { layers: ['3', '0', '2'] })), ['layer3@3', 'embeddings@0', 'layer2@2']);
  assert.deepEqual(names(selectSites(SITES, { layers: ['layer2', 'embeddings'] })), ['layer2@2', 'embeddings@0']);
  // NeuroX's extractor with include_embeddings=False drops hidden_states[0]: layer 0 is the first block.
  assert.deepEqual(names(selectSites(SITES, { ignoreEmbeddings: true })), ['layer1@0', 'layer2@1', 'layer3@2']);
  const mlp = [...SITES, site('mlp1', 12, 'mlp')];
  assert.deepEqual(names(selectSites(mlp, { layers: ['mlp1', '1'] })), ['mlp1@4', 'layer1@1']);
  assert.throws(() => selectSites(SITES, { layers: ['4'] }), (e: unknown) => e instanceof GrainError && /no layer '4': give site names \(embeddings, layer1, layer2, layer3\) or NeuroX layer indices 0-3/.test(e.message));
  assert.throws(() => selectSites(SITES, { layers: ['layer9'] }), /no layer 'layer9'/);
  assert.throws(() => selectSites(SITES, { layers: ['1', 'layer1'] }), /layer 'layer1' is listed twice/);
  assert.throws(() => selectSites(SITES, { layers: ['1'], ignoreEmbeddings: true }), /cannot be used together \(NeuroX refuses them together too\)/);
  assert.throws(() => selectSites([site('layer1')], { ignoreEmbeddings: true }, 'm.onnx'), (e: unknown) => e instanceof GrainError && e.where.file === 'm.onnx' && /no 'embeddings' site to leave out/.test(e.message));
});

test('per-layer file names are NeuroX\'s: acts.hdf5 -> acts-layer3.hdf5; an MLP site by its name', () => {
  // NeuroX's writer: f"{filename[:-5]}-layer{layer_idx}.{filename[-4:]}"
  assert.equal(perLayerPath('/d/output.hdf5', site('layer3'), 3), '/d/output-layer3.hdf5');
  assert.equal(perLayerPath('/d/output.json', site('layer1'), 0), '/d/output-layer0.json');
  assert.equal(perLayerPath('/d.x/acts', site('embeddings'), 0), '/d.x/acts-layer0');
  assert.equal(perLayerPath('acts.grain', site('mlp2', 12, 'mlp'), 6), 'acts-mlp2.grain');
});

async function writeTwoSentences(sink: ReturnType<typeof createSink>, sites: SiteInfo[]) {
  const neurons = sites.reduce((n, s) => n + s.width, 0);
  await sink.begin(sites);
  const sentences = [['a', 'b'], ['c'], ['a', 'b']];
  let v = 0;
  for (const words of sentences) {
    await sink.appendRows(words, Float32Array.from({ length: words.length * neurons }, () => (v++ % 97) / 7 - 5));
    await sink.endSentence(words);
  }
  await sink.close();
  return { neurons, rows: 5 };
}

test('decomposed output: one file per site with that site\'s columns, in every format; nothing else left behind', async () => {
  const sites = [site('layer1', 3), site('layer2', 3), site('mlp1', 5, 'mlp')];
  const reference = join(dir, 'ref.grain');
  await writeTwoSentences(createSink(reference, 'grain'), sites);
  const full = (await openActivations(reference)).readAll();
  for (const format of ['grain', 'json', 'hdf5'] as const) {
    const out = join(dir, `split-${format}.${format}`);
    const paths = sites.map((s, i) => perLayerPath(out, s, i));
    await writeTwoSentences(new PerLayerSink(paths.map((path) => ({ path, sink: createSink(path, format) }))), sites);
    let column = 0;
    for (let i = 0; i < sites.length; i++) {
      const m = (await openActivations(paths[i])).readAll();
      assert.equal(m.neurons, sites[i].width);
      assert.deepEqual(m.tokens, full.tokens);
      if (format !== 'json') assert.equal(m.sites[0].name, sites[i].name);
      const want = Float32Array.from({ length: 5 * sites[i].width }, (_, k) => full.data[Math.floor(k / sites[i].width) * full.neurons + column + (k % sites[i].width)]);
      assert.deepEqual(Array.from(m.data), Array.from(want), `${format} ${sites[i].name}`);
      column += sites[i].width;
    }
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('split-json')).sort(), ['split-json-layer0.json', 'split-json-layer1.json', 'split-json-mlp1.json']);
});

test('float16 NeuroX JSON: each value rounded to float16, read back exactly; out of float16\'s range is an error', async () => {
  const path = join(dir, 'half.json');
  const sites = [site('embeddings', 3), site('layer1', 3)];
  await writeTwoSentences(createSink(path, 'json', { dtype: 'float16' }), sites);
  const full32 = join(dir, 'full.json');
  await writeTwoSentences(createSink(full32, 'json'), sites);
  const half = (await openActivations(path)).readAll();
  const full = (await openActivations(full32)).readAll();
  const rounded = Array.from(full.data, (x) => float16BitsToFloat32(float32ToFloat16Bits(x)));
  assert.deepEqual(Array.from(half.data), rounded);
  assert.ok(rounded.some((x, i) => x !== full.data[i]), 'float16 changes some values');
  const big = createSink(join(dir, 'big.json'), 'json', { dtype: 'float16' });
  await big.begin([site('embeddings', 1)]);
  await assert.rejects(async () => big.appendRows(['x'], Float32Array.of(70000)), (e: unknown) => e instanceof GrainError && /activation 70000 \(sentence 0, token 0\) is beyond float16's range/.test(e.message));
  await big.abort();
});

test('float16 beyond its range (65504) is an error naming the value in the HDF5 file and the Grain store too, and no file is left', async () => {
  for (const format of ['hdf5', 'grain'] as const) {
    const out = join(dir, `over.${format}`);
    const sink = createSink(out, format, { dtype: 'float16' });
    await sink.begin([site('embeddings', 2)]);
    await sink.appendRows(['a'], Float32Array.of(1, 2));
    await sink.endSentence(['a']);
    const where = format === 'hdf5' ? /sentence 1, token 1/ : /row 2/;
    await assert.rejects(
      async () => {
        await sink.appendRows(['b', 'c'], Float32Array.of(3, 4, -65520, 5));
        await sink.endSentence(['b', 'c']);
      },
      (e: unknown) => e instanceof GrainError && e.where.file === out && /activation -65520 .* is beyond float16's range \(65504\); write float32/.test(e.message) && where.test(e.message),
    );
    await sink.abort();
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('over')), [], format);
  }
});

test('float16 NeuroX HDF5: NeuroX\'s own file is read exactly, and Grain writes the same one (h5py\'s float16 type, the same values)', async () => {
  // Written by h5py as NeuroX's writer does with dtype float16 (test/fixtures/neurox/make-float16.py).
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'neurox', 'float16.hdf5');
  const m = await readNeuroxHdf5(fixture);
  assert.deepEqual(m.tokens, ['a', 'b', 'c', 'a', 'b']);
  assert.deepEqual(m.sites.map((s) => s.name), ['embeddings', 'layer1']);
  // h5py's own float32 reading of the same datasets, word-major (printed by make-float16.py).
  const expected = [
    0.0999755859375, 1.099609375, 2.099609375, 100.125, 101.125, 102.125, 10.1015625, 11.1015625, 12.1015625, 110.125, 111.125, 112.125,
    0.199951171875, 2.19921875, 4.19921875, 200.25, 202.25, 204.25,
    0.300048828125, 3.30078125, 6.30078125, 300.25, 303.25, 306.25, 30.296875, 33.3125, 36.3125, 330.25, 333.25, 336.25,
  ];
  assert.deepEqual(Array.from(m.data), expected);

  // Grain writes the script's float64 values with dtype float16: rounded as h5py rounds them.
  const out = join(dir, 'half.hdf5');
  const sink = createSink(out, 'hdf5', { dtype: 'float16' });
  await sink.begin(m.sites);
  const sentences = [['a', 'b'], ['c'], ['a', 'b']];
  for (const [idx, words] of sentences.entries()) {
    const rows = new Float32Array(words.length * 6);
    for (let w = 0; w < words.length; w++) for (let l = 0; l < 2; l++) for (let k = 0; k < 3; k++) rows[w * 6 + l * 3 + k] = (l * 100 + w * 10 + k + 0.1) * (idx + 1);
    await sink.appendRows(words, rows);
    await sink.endSentence(words);
  }
  await sink.close();
  const back = await readNeuroxHdf5(out);
  assert.deepEqual(back.tokens, m.tokens);
  assert.deepEqual(Array.from(back.data), expected);
  // The datasets' type is h5py's float16, as the HDF5 library describes both files' datasets.
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const typeOf = (path: string) => {
    const f = new h5.File(path, 'r');
    try {
      const d = f.get('1') as InstanceType<typeof h5.Dataset>;
      return { dtype: d.dtype, metadata: d.metadata, shape: d.shape };
    } finally {
      f.close();
    }
  };
  assert.deepEqual(typeOf(out), typeOf(fixture));
});
