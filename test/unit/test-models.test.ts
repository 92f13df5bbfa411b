import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ort } from '../../src/core/runtime/ort';
import { decodeOnnxModel } from '../../src/core/onnx/proto';
import { generateTestModels, REFERENCE, STYLES, type Expected, type Style } from '../fixtures/onnx/exporters/styles';
import { expectedOf, feeds, floats, maxDiff, realRows, tokenize } from '../fixtures/onnx/exporters/reference-run';

/**
 * The exporter-style fixture models (test/fixtures/models) checked with onnxruntime alone, not
 * with Grain's site detection: each model runs, its reference.onnx computes the same outputs and
 * exposes every expected site as [batch, seq, width], right padding with a mask leaves the real
 * positions alone, models built from the same weights agree across export styles, and the
 * committed bytes are exactly what scripts/make-test-models.ts writes.
 */
ort.env.logLevel = 'error';

const DIR = 'test/fixtures/models';

const session = (path: string) => ort.InferenceSession.create(path);
const siteNames = (e: Expected): [string, string, 'residual' | 'mlp'][] => [
  ...Object.entries(e.sites).flatMap(([k, v]) => (v === null ? [] : [[k, v, 'residual'] as [string, string, 'residual']])),
  ...Object.entries(e.mlp ?? {}).map(([k, v]) => [k, v, 'mlp'] as [string, string, 'mlp']),
];
/** Absolute tolerance for "the same computation": per element type, and per quantization. */
const samePadTolerance = (e: Expected) => (e.style === 'int8-bert' ? 5e-2 : e.dtype === 'float16' ? 5e-3 : 1e-5);

for (const style of STYLES) {
  test(`${style}: the model and reference.onnx give the same outputs, and every site is [batch, seq, width]`, async () => {
    const e = expectedOf(style);
    const { ids, padId } = tokenize(style);
    const seq = Math.max(...ids.map((r) => r.length));
    const model = await session(join(DIR, style, e.model));
    const ref = await session(join(DIR, style, REFERENCE));
    const input = feeds(e, ids, padId);
    const out = await model.run(input);
    const refOut = await ref.run(input);
    assert.ok(model.outputNames.length > 0);
    for (const name of model.outputNames) {
      assert.ok(refOut[name], `reference lacks the model output ${name}`);
      assert.deepEqual(refOut[name].dims, out[name].dims, name);
      const d = maxDiff(floats(out[name]), floats(refOut[name]));
      assert.ok(d <= (e.dtype === 'float16' ? 1e-2 : 1e-5), `${name}: model and reference differ by ${d}`);
    }
    if (e.logits) assert.deepEqual(out[e.logits].dims, [2, seq, 4096]);
    const sites = siteNames(e);
    assert.ok(sites.length >= 4, 'embeddings, at least two layers and MLP sites');
    for (const [site, tensor, kind] of sites) {
      const t = refOut[tensor];
      assert.ok(t, `${site}: ${tensor} is not an output of reference.onnx`);
      assert.equal(t.type, e.dtype, `${site}: ${tensor} type`);
      assert.deepEqual(t.dims, [2, seq, e.width[kind]], `${site}: ${tensor} dims`);
      const v = floats(t);
      assert.ok(v.every(Number.isFinite), `${site}: ${tensor} has non-finite values`);
      assert.ok(v.some((x) => Math.abs(x) > 1e-3), `${site}: ${tensor} is all zeros`);
    }
    // Sites are distinct tensors with distinct values (no site is another one by mistake).
    const values = sites.map(([, tensor]) => floats(refOut[tensor]).slice(0, 8).join(','));
    assert.equal(new Set(values).size, values.length);
  });

  test(`${style}: right padding with the attention mask leaves the real positions unchanged`, async () => {
    const e = expectedOf(style);
    const { ids, padId } = tokenize(style);
    const ref = await session(join(DIR, style, REFERENCE));
    const padded = await ref.run(feeds(e, ids, padId));
    const tol = samePadTolerance(e);
    const compared = [...siteNames(e).map(([, t]) => t), ...(e.logits ? [e.logits] : ['last_hidden_state'])];
    for (let r = 0; r < ids.length; r++) {
      const alone = await ref.run(feeds(e, [ids[r]], padId));
      for (const name of compared) {
        const d = maxDiff(realRows(padded[name], r, ids[r].length), realRows(alone[name], 0, ids[r].length));
        assert.ok(d <= tol, `sentence ${r}, ${name}: padded and unpadded differ by ${d} (tolerance ${tol})`);
      }
    }
  });
}

test('the committed fixture files are exactly what scripts/make-test-models.ts generates', () => {
  const files = generateTestModels();
  const listed = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listed(join(dir, n)) : [join(dir, n)]));
  const committed = STYLES.flatMap((s) => listed(join(DIR, s))).map((p) => relative(DIR, p)).sort();
  assert.deepEqual(committed, [...files.keys()].sort(), 'the set of files differs');
  for (const [path, data] of files) {
    assert.ok(Buffer.from(data).equals(readFileSync(join(DIR, path))), `${path} differs from the generator's output; run node --import tsx scripts/make-test-models.ts`);
  }
});

/** Runs one style's model on the shared sentences and returns its main output. */
async function mainOutput(style: Style, useCache = false): Promise<ort.Tensor> {
  const e = expectedOf(style);
  const { ids, padId } = tokenize(style);
  const s = await session(join(DIR, style, e.model));
  const out = await s.run(feeds(e, ids, padId, useCache));
  return out[e.logits ?? 'last_hidden_state'];
}

test('every encoder style computes optimum-bert\'s function (same weights), within its precision', async () => {
  const base = floats(await mainOutput('optimum-bert'));
  for (const [style, tol] of [['ort-fused-bert', 1e-4], ['external-data-bert', 0], ['single-file', 0], ['transformersjs-bert', 0], ['fp16-bert', 1e-2], ['int8-bert', 0.1]] as const) {
    const d = maxDiff(base, floats(await mainOutput(style)));
    assert.ok(d <= tol, `${style} differs from optimum-bert by ${d}`);
  }
});

test('every decoder style gives the same logits (same weights), and both merged branches agree', async () => {
  const base = floats(await mainOutput('with-past-gpt2'));
  for (const style of ['dynamo-gpt2', 'ort-fused-gpt2', 'merged-gpt2'] as const) {
    const d = maxDiff(base, floats(await mainOutput(style)));
    assert.ok(d <= 1e-4, `${style} logits differ from with-past-gpt2 by ${d}`);
  }
  const d = maxDiff(base, floats(await mainOutput('merged-gpt2', true)));
  assert.ok(d <= 1e-4, `merged-gpt2 with use_cache_branch=true and empty pasts differs by ${d}`);
});

/** The reference outputs of one style for the shared sentences. */
async function referenceOutputs(style: Style, useCache = false): Promise<ort.InferenceSession.OnnxValueMapType> {
  const e = expectedOf(style);
  const { ids, padId } = tokenize(style);
  const s = await session(join(DIR, style, REFERENCE));
  return s.run(feeds(e, ids, padId, useCache));
}

test('a site holds the same values in every style of a family (the sites are the same points of the computation)', async () => {
  const families: [Style, [Style, number][]][] = [
    ['optimum-bert', [['ort-fused-bert', 1e-4], ['fp16-bert', 1e-2], ['int8-bert', 0.1], ['external-data-bert', 0], ['transformersjs-bert', 0], ['single-file', 0]]],
    ['with-past-gpt2', [['dynamo-gpt2', 1e-5], ['ort-fused-gpt2', 1e-5], ['merged-gpt2', 1e-5]]],
  ];
  for (const [base, others] of families) {
    const be = expectedOf(base);
    const bo = await referenceOutputs(base);
    for (const [style, tol] of others) {
      const e = expectedOf(style);
      const o = await referenceOutputs(style);
      const pairs = [...Object.keys(be.sites).map((k) => [be.sites[k], e.sites[k], k]), ...Object.keys(be.mlp ?? {}).map((k) => [be.mlp![k], e.mlp![k], k])];
      assert.deepEqual(Object.keys(e.sites), Object.keys(be.sites), style);
      for (const [x, y, k] of pairs) {
        if (x === null || y === null) continue;
        const d = maxDiff(floats(bo[x!]), floats(o[y!]));
        assert.ok(d <= tol, `${style} ${k} (${y}) differs from ${base} ${k} (${x}) by ${d}`);
      }
    }
  }
  // The with-past branch of the merged decoder exposes the same sites as the no-past one.
  const noPast = await referenceOutputs('merged-gpt2', false);
  const withPast = await referenceOutputs('merged-gpt2', true);
  for (const [, tensor] of siteNames(expectedOf('merged-gpt2'))) assert.ok(maxDiff(floats(noPast[tensor]), floats(withPast[tensor])) <= 1e-5, tensor);
});

test('with pasts: one decoding step from the presents gives the full forward pass\'s last logits', async () => {
  for (const style of ['with-past-gpt2', 'merged-gpt2'] as const) {
    const e = expectedOf(style);
    const ids = tokenize(style).ids[0];
    const s = await session(join(DIR, style, e.model));
    const n = ids.length;
    const full = await s.run(feeds(e, [ids], 0, false));
    const prefix = await s.run(feeds(e, [ids.slice(0, n - 1)], 0, false));
    const step: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(ids[n - 1])]), [1, 1]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(n - 1)]), [1, 1]),
    };
    for (const input of e.inputs) if (input.name.startsWith('past_key_values.')) step[input.name] = prefix[input.name.replace('past_key_values', 'present')];
    if (e.inputs.some((i) => i.name === 'use_cache_branch')) step.use_cache_branch = new ort.Tensor('bool', Uint8Array.from([1]), [1]);
    const next = await s.run(step);
    const vocab = 4096;
    const d = maxDiff(floats(next.logits), floats(full.logits).slice((n - 1) * vocab, n * vocab));
    assert.ok(d <= 1e-4, `${style}: cached step differs from the full pass by ${d}`);
    assert.deepEqual(next['present.0.key'].dims, full['present.0.key'].dims);
  }
});

test('variants named in expected.json hold the same site tensors', () => {
  for (const style of STYLES) {
    const e = expectedOf(style);
    for (const variant of e.variants ?? []) {
      const model = decodeOnnxModel(readFileSync(join(DIR, style, variant)));
      const produced = new Set(model.graph.node.flatMap((n) => n.output));
      for (const [site, tensor] of siteNames(e)) assert.ok(produced.has(tensor), `${style}/${variant}: ${site} ${tensor} is produced by no node`);
    }
  }
});

test('exporter traits: dynamo metadata, fused contrib ops, external data, float16 and int8 weights, the merged If', () => {
  const read = (style: Style, file?: string) => decodeOnnxModel(readFileSync(join(DIR, style, file ?? expectedOf(style).model)));
  const dynamo = read('dynamo-gpt2');
  assert.ok(dynamo.proto.opsetImport.some((o) => (o.domain ?? '') === '' && (o.version ?? 0) >= 18));
  const meta = (dynamo.graph.node as unknown as { name: string; metadataProps: { key: string; value: string }[] }[]).map((n) => ({ name: n.name, keys: new Map(n.metadataProps.map((m) => [m.key, m.value])) }));
  for (const n of meta) {
    assert.ok(!n.name.includes('/'), `${n.name} has a scope in its name`);
    assert.match(n.keys.get('pkg.torch.onnx.name_scopes') ?? '', /^\['', /, n.name);
    assert.ok(n.keys.has('pkg.torch.onnx.class_hierarchy'), n.name);
  }
  const act = meta.find((n) => n.name === 'node_mul_3')!;
  assert.equal(act.keys.get('pkg.torch.onnx.name_scopes'), "['', 'transformer', 'transformer.h.0', 'transformer.h.0.mlp', 'transformer.h.0.mlp.act', 'mul_3']");

  for (const style of ['ort-fused-bert', 'ort-fused-gpt2'] as const) {
    const ops = new Set(read(style).graph.node.filter((n) => n.domain === 'com.microsoft').map((n) => n.opType));
    for (const op of style === 'ort-fused-bert' ? ['EmbedLayerNormalization', 'Attention', 'SkipLayerNormalization', 'BiasGelu'] : ['Attention', 'SkipLayerNormalization', 'FastGelu']) assert.ok(ops.has(op), `${style} lacks ${op}`);
  }
  const external = read('external-data-bert');
  assert.deepEqual(external.externalData, ['model.onnx_data']);
  assert.ok(external.graph.initializer.some((t) => t.dataLocation !== 1), 'small tensors stay inline');
  assert.ok(read('fp16-bert').graph.initializer.every((t) => t.dataType !== 1), 'no float32 weight left in fp16-bert');
  assert.ok(read('int8-bert').graph.node.some((n) => n.opType === 'MatMulInteger'));
  const merged = read('merged-gpt2');
  assert.deepEqual(merged.graph.node.map((n) => n.opType), ['If']);
  assert.deepEqual(merged.graph.node[0].attribute.map((x) => x.g?.name).sort(), ['no_past', 'with_past']);
});
