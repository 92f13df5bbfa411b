import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../src/core/runtime/ort';
import { GrainError } from '../../src/core/errors';
import { addOutputs, copyUnits, decodeOnnxModel, detectLayout, detectSites, findSites, readGrainConfig, readOnnxModel } from '../../src/core/onnx';
import { GraphBuilder } from '../fixtures/onnx/builder';
import { bertLike, gpt2Like, llamaLike, type SyntheticModel } from '../fixtures/onnx/transformers';
import { anonymize } from '../fixtures/onnx/rename';

ort.env.logLevel = 'error';

interface Golden {
  boundaries: string[];
  sentences: { input_ids: number[]; activations: number[][][] }[];
}

const DEMOS = ['brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3', 'brown-gpt', 'brown-bert'];

function feeds(names: readonly string[], ids: number[][]): Record<string, ort.Tensor> {
  const dims = [ids.length, ids[0].length];
  const out: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const values = name === 'input_ids' ? ids.flat().map(BigInt) : ids.flat().map(() => 1n);
    out[name] = new ort.Tensor('int64', BigInt64Array.from(values), dims);
  }
  return out;
}

for (const demo of DEMOS) {
  test(`${demo}: detected boundaries reproduce golden.json activations`, async () => {
    const model = readOnnxModel(`models/${demo}/model.onnx`);
    const golden = JSON.parse(readFileSync(`models/${demo}/golden.json`, 'utf8')) as Golden;
    const sites = findSites(model, { sites: 'layers' });
    assert.deepEqual(sites.map((s) => s.name), golden.boundaries);
    assert.deepEqual(sites.map((s) => s.layer), golden.boundaries.map((_, i) => i));
    const session = await ort.InferenceSession.create(addOutputs(model, sites.map((s) => s.tensor)));
    // Probe with batch 2 x seq 3 so batch and time axes differ.
    const first = golden.sentences[0].input_ids;
    const probe = await session.run(feeds(session.inputNames, [first.slice(0, 3), first.slice(3, 6)]));
    const layouts = sites.map((s) => detectLayout(probe[s.tensor].dims as number[], 2, 3, undefined, s.tensor));
    if (demo.startsWith('brown-lstm')) assert.equal(layouts[1].layout, 'sbh', 'LSTM middle boundary is time-major');
    else assert.ok(layouts.every((l) => l.layout === 'bsh'));
    for (const sentence of golden.sentences) {
      const out = await session.run(feeds(session.inputNames, [sentence.input_ids]));
      sites.forEach((s, k) => {
        const layout = detectLayout(out[s.tensor].dims as number[], 1, sentence.input_ids.length, layouts[k].layout, s.tensor);
        const row = new Float32Array(layout.width);
        let worst = 0;
        sentence.activations[k].forEach((expected, p) => {
          copyUnits(out[s.tensor].data as Float32Array, layout, 0, p, row, 0);
          assert.equal(expected.length, row.length);
          for (let u = 0; u < row.length; u++) worst = Math.max(worst, Math.abs(row[u] - expected[u]));
        });
        assert.ok(worst < 1e-4, `${demo} ${s.name} (${s.tensor}): max |diff| ${worst}`);
      });
    }
  });
}

test('brown-gpt and brown-bert: one MLP site per block, the GELU output of width 1024', async () => {
  for (const demo of ['brown-gpt', 'brown-bert']) {
    const model = readOnnxModel(`models/${demo}/model.onnx`);
    const sites = findSites(model, { sites: 'mlp' });
    assert.deepEqual(sites.map((s) => s.name), ['mlp1', 'mlp2', 'mlp3', 'mlp4']);
    assert.ok(sites.every((s) => s.kind === 'mlp' && /\/mlp\/Mul_1_output_0$/.test(s.tensor)), JSON.stringify(sites));
    const session = await ort.InferenceSession.create(addOutputs(model, [sites[0].tensor]));
    const out = await session.run(feeds(session.inputNames, [[5, 6, 7], [8, 9, 10]]));
    const data = out[sites[0].tensor];
    assert.equal(detectLayout(data.dims as number[], 2, 3).width, 1024);
    // GELU output is bounded below by about -0.17.
    assert.ok((data.data as Float32Array).every((v) => v > -0.2));
  }
});

test('all = boundaries then MLP sites', () => {
  const sites = findSites(readOnnxModel('models/brown-gpt/model.onnx'), { sites: 'all' });
  assert.deepEqual(sites.map((s) => s.name), ['embeddings', 'layer1', 'layer2', 'layer3', 'layer4', 'mlp1', 'mlp2', 'mlp3', 'mlp4']);
});

test('LSTM has no MLP sites: clear error', () => {
  const model = readOnnxModel('models/brown-lstm-s1/model.onnx');
  assert.throws(() => findSites(model, { sites: 'mlp' }), (e: unknown) => e instanceof GrainError && /recurrent models.*no MLP sites/.test(e.message) && e.where.file === model.file);
  assert.throws(() => findSites(model, { sites: 'all' }), GrainError);
});

const SYNTHETIC: Record<string, () => SyntheticModel> = {
  'BERT post-LN, erf GELU': () => bertLike(2, 'erf'),
  'BERT post-LN, fused Gelu op': () => bertLike(3, 'op'),
  'GPT-2 pre-LN, tanh GELU': () => gpt2Like(3),
  'LLaMA SwiGLU, RMSNorm, rotary table': () => llamaLike(2),
  'LLaMA with a single block': () => llamaLike(1),
};

for (const [label, make] of Object.entries(SYNTHETIC)) {
  test(`synthetic ${label}: finds the expected tensors, which run in onnxruntime`, async () => {
    const s = make();
    const model = decodeOnnxModel(s.bytes);
    const sites = findSites(model, { sites: 'all' });
    const n = s.expected.layers.length;
    assert.deepEqual(sites.map((x) => x.tensor), [s.expected.embeddings, ...s.expected.layers, ...s.expected.mlp]);
    assert.deepEqual(sites.map((x) => x.name), ['embeddings', ...s.expected.layers.map((_, i) => `layer${i + 1}`), ...s.expected.mlp.map((_, i) => `mlp${i + 1}`)]);
    const session = await ort.InferenceSession.create(addOutputs(model, sites.map((x) => x.tensor)));
    const out = await session.run(feeds(s.inputs, [[1, 2, 3], [4, 5, 6]]));
    sites.forEach((x, k) => assert.equal(detectLayout(out[x.tensor].dims as number[], 2, 3).width, k <= n ? s.hidden : s.ffn));
  });
}

test('a graph without block scopes, dynamo metadata or residual stream: the error lists each way tried and how to use grain.json', () => {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 7, ['b', 's']);
  const e = g.op('Gather', '/emb/Gather', [g.weight('emb', [5, 4]), ids]);
  g.output(g.op('MatMul', '/head/MatMul', [g.op('Relu', '/body/Relu', [e]), g.weight('w', [4, 5])]));
  const model = decodeOnnxModel(g.build(), 'flat.onnx');
  assert.throws(() => findSites(model, { sites: 'layers' }), (err: unknown) => {
    assert.ok(err instanceof GrainError);
    assert.match(err.message, /no block scopes \(layers\.N.*in node names; no node metadata pkg\.torch\.onnx\.name_scopes; graph structure: found no residual stream.*grain\.json.*"sites"/s);
    assert.equal(err.where.file, 'flat.onnx');
    return true;
  });
});

test('explicit sites: used as given, kinds from names; missing tensors are named', () => {
  const model = readOnnxModel('models/brown-lstm-s1/model.onnx');
  const sites = findSites(model, {
    sites: 'mlp',
    explicit: { sites: [{ name: 'embeddings', tensor: '/m/embed/Gather_output_0' }, { name: 'layer1', tensor: '/m/layers.0/Transpose_1_output_0' }, { name: 'cell', tensor: '/m/layers.0/LSTM_output_2' }] },
  });
  assert.deepEqual(sites, [
    { name: 'embeddings', kind: 'boundary', tensor: '/m/embed/Gather_output_0', layer: 0 },
    { name: 'layer1', kind: 'boundary', tensor: '/m/layers.0/Transpose_1_output_0', layer: 1 },
    { name: 'cell', kind: 'custom', tensor: '/m/layers.0/LSTM_output_2', layer: 2 },
  ]);
  assert.throws(
    () => findSites(model, { sites: 'layers', explicit: { sites: [{ name: 'layer1', tensor: '/m/nope' }], source: '/x/grain.json' } }),
    (e: unknown) => e instanceof GrainError && e.message.includes("'/m/nope'") && e.where.file === '/x/grain.json',
  );
  assert.throws(() => findSites(model, { sites: 'layers', explicit: { sites: [] }, source: 'settings' }), (e: unknown) => e instanceof GrainError && e.where.file === 'settings');
});

test('readGrainConfig: absent, valid, and malformed files with their lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-onnx-'));
  try {
    assert.equal(readGrainConfig(dir), undefined);
    const file = join(dir, 'grain.json');
    writeFileSync(file, JSON.stringify({ sites: [{ name: 'embeddings', tensor: 'a' }, { name: 'layer1', tensor: 'b' }] }, null, 2));
    assert.deepEqual(readGrainConfig(dir), { sites: [{ name: 'embeddings', tensor: 'a' }, { name: 'layer1', tensor: 'b' }], source: file });
    const cases: [string, RegExp, number | undefined][] = [
      ['{\n  "sites": [\n    {"name": "x", "tensor": "a"},\n  ]\n}', /is not valid JSON: unexpected '\]' at column 3/, 4],
      ['{"layers": []}', /"sites" array/, 1],
      ['{\n"sites": [\n{"name": "a", "tensor": "t1"},\n{"name": "a", "tensor": "t2"}\n]}', /used twice/, 4],
      ['{\n"sites": [\n{"name": "a", "tensor": 3}\n]}', /sites\[0\] must be/, undefined],
      ['{\n"sites": [\n{"name": "a b", "tensor": "t"}\n]}', /name 'a b'/, 3],
      ['', /is empty/, undefined],
    ];
    for (const [text, message, line] of cases) {
      writeFileSync(file, text);
      assert.throws(() => readGrainConfig(dir), (e: unknown) => {
        assert.ok(e instanceof GrainError, String(e));
        assert.match(e.message, message);
        assert.equal(e.where.file, file);
        if (line !== undefined) assert.equal(e.where.line, line, e.message);
        return true;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [name, make] of [['BERT post-LN', () => bertLike(3, 'erf')], ['GPT-2 pre-LN', () => gpt2Like(3)], ['LLaMA RMSNorm SwiGLU', () => llamaLike(3)]] as const) {
  for (const dynamo of [false, true]) {
    test(`synthetic ${name}, node names without scopes${dynamo ? ' but with dynamo metadata' : ''}: found ${dynamo ? 'from the metadata' : 'from the residual stream'}`, async () => {
      const s: SyntheticModel = make();
      const renamed = anonymize(s.bytes, { dynamo });
      const model = decodeOnnxModel(renamed.bytes, 'anonymous.onnx');
      const found = detectSites(model, { sites: 'all' });
      assert.equal(found.method, dynamo ? 'dynamo-metadata' : 'graph-structure', found.detail);
      const want = [s.expected.embeddings, ...s.expected.layers, ...s.expected.mlp].map(renamed.tensor);
      assert.deepEqual(found.sites.map((x) => x.tensor), want, found.detail);
      const session = await ort.InferenceSession.create(addOutputs(model, found.sites.map((x) => x.tensor)));
      const out = await session.run(feeds(s.inputs, [[1, 2, 3], [4, 5, 6]]));
      found.sites.forEach((x, k) => assert.equal(detectLayout(out[x.tensor].dims as number[], 2, 3).width, k <= s.expected.layers.length ? s.hidden : s.ffn));
    });
  }
}

test('demo models with every name stripped: the graph structure finds the tensors the module scopes find', () => {
  for (const demo of DEMOS) {
    const sites = demo.startsWith('brown-lstm') ? 'layers' : 'all';
    const scoped = detectSites(readOnnxModel(`models/${demo}/model.onnx`), { sites });
    assert.equal(scoped.method, 'node-scopes');
    const renamed = anonymize(readFileSync(`models/${demo}/model.onnx`));
    const structural = detectSites(decodeOnnxModel(renamed.bytes), { sites });
    assert.equal(structural.method, 'graph-structure');
    assert.match(structural.detail, demo.startsWith('brown-lstm') ? /recurrent stack: 2 LSTM layers/ : /4 blocks .*(pre|post)-norm/);
    assert.deepEqual(structural.sites.map((s) => s.tensor), scoped.sites.map((s) => renamed.tensor(s.tensor)), demo);
  }
});
