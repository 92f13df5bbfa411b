import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ort } from '../../src/core/runtime/ort';
import { GrainError } from '../../src/core/errors';
import { addMaskInputs, addOutputs, decodeOnnxModel, readOnnxModel } from '../../src/core/onnx';
import { GraphBuilder } from '../fixtures/onnx/builder';

ort.env.logLevel = 'error';

const LAYER1 = '/m/layers.0/Squeeze_output_0';
const ids = () => new ort.Tensor('int64', BigInt64Array.from([2n, 5n, 7n, 30n, 2n, 9n, 11n, 40n]), [2, 4]);
const floats = (t: ort.Tensor) => t.data as Float32Array;

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

test('addOutputs: new outputs run; the model object and its bytes are untouched; repeats are fine', async () => {
  const model = readOnnxModel('models/brown-lstm-s1/model.onnx');
  const before = Buffer.from(model.bytes);
  const bytes = addOutputs(model, [LAYER1, 'logits', LAYER1, '/m/embed/Gather_output_0']);
  assert.ok(Buffer.from(model.bytes).equals(before));
  assert.deepEqual(model.graph.output.map((o) => o.name), ['logits']);
  assert.deepEqual(decodeOnnxModel(bytes).graph.output.map((o) => o.name), ['logits', LAYER1, '/m/embed/Gather_output_0']);
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.outputNames, ['logits', LAYER1, '/m/embed/Gather_output_0']);
  const r = await session.run({ input_ids: ids() });
  assert.deepEqual(r[LAYER1].dims, [4, 2, 256]);
  assert.deepEqual(r.logits.dims, [2, 4, 8004]);
  assert.throws(() => addOutputs(model, ['/m/no/such']), (e: unknown) => e instanceof GrainError && e.message.includes("'/m/no/such'") && e.where.file === model.file);
});

test('addMaskInputs on brown-lstm-s1 layer1: zeros units 0..49, ones change nothing', async () => {
  const model = readOnnxModel('models/brown-lstm-s1/model.onnx');
  const plain = await ort.InferenceSession.create(addOutputs(model, [LAYER1]));
  const base = await plain.run({ input_ids: ids() });
  const masked = decodeOnnxModel(addMaskInputs(model, [{ tensor: LAYER1, width: 256, maskName: 'mask_layer1' }]));
  const session = await ort.InferenceSession.create(addOutputs(masked, [LAYER1]));
  assert.deepEqual(session.inputNames, ['input_ids', 'mask_layer1']);
  const ones = new Float32Array(256).fill(1);
  const same = await session.run({ input_ids: ids(), mask_layer1: new ort.Tensor('float32', ones, [256]) });
  assert.equal(maxDiff(floats(same.logits), floats(base.logits)), 0);
  assert.equal(maxDiff(floats(same[LAYER1]), floats(base[LAYER1])), 0);

  const mask = new Float32Array(256).fill(1).fill(0, 0, 50);
  const ablated = await session.run({ input_ids: ids(), mask_layer1: new ort.Tensor('float32', mask, [256]) });
  assert.ok(maxDiff(floats(ablated.logits), floats(base.logits)) > 1e-3, 'logits change');
  const got = floats(ablated[LAYER1]);
  const want = floats(base[LAYER1]);
  for (let row = 0; row < got.length / 256; row++) {
    // x * 0 is -0 for negative x: compare with + 0, which maps -0 to 0.
    for (let u = 0; u < 256; u++) assert.equal(got[row * 256 + u] + 0, u < 50 ? 0 : want[row * 256 + u]);
  }
});

test('addMaskInputs on brown-gpt embeddings and an MLP site at once', async () => {
  const model = readOnnxModel('models/brown-gpt/model.onnx');
  const sites = ['/m/Add_output_0', '/m/h.1/mlp/Mul_1_output_0'];
  const bytes = addMaskInputs(model, [
    { tensor: sites[0], width: 256, maskName: 'm0' },
    { tensor: sites[1], width: 1024, maskName: 'm1' },
  ]);
  const session = await ort.InferenceSession.create(addOutputs(decodeOnnxModel(bytes), sites));
  const base = await (await ort.InferenceSession.create(model.bytes)).run({ input_ids: ids() });
  const feed = (m1Zero: boolean) => ({
    input_ids: ids(),
    m0: new ort.Tensor('float32', new Float32Array(256).fill(1), [256]),
    m1: new ort.Tensor('float32', new Float32Array(1024).fill(1).fill(0, 0, m1Zero ? 1024 : 0), [1024]),
  });
  assert.equal(maxDiff(floats((await session.run(feed(false))).logits), floats(base.logits)), 0);
  const off = await session.run(feed(true));
  assert.ok(floats(off[sites[1]]).every((v) => v === 0));
  assert.ok(maxDiff(floats(off.logits), floats(base.logits)) > 1e-3);
});

test('masking a graph input rewires its readers and graph outputs', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', 1, ['b', 3]);
  g.output(g.op('Relu', '/a/Relu', [x]));
  g.output('x');
  const model = decodeOnnxModel(g.build(), 'in.onnx');
  const session = await ort.InferenceSession.create(addMaskInputs(model, [{ tensor: 'x', width: 3, maskName: 'mx' }]));
  const r = await session.run({
    x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, 4, 5, -6]), [2, 3]),
    mx: new ort.Tensor('float32', Float32Array.from([0, 1, 1]), [3]),
  });
  assert.deepEqual([...floats(r['/a/Relu_output_0'])], [0, 0, 3, 0, 5, 0]);
  const masked = session.outputNames.find((n) => n !== '/a/Relu_output_0')!;
  assert.deepEqual([...floats(r[masked])], [0, -2, 3, 0, 5, -6]);
});

test('addMaskInputs rejects bad requests with the model file in the error', () => {
  const model = readOnnxModel('models/brown-lstm-s1/model.onnx');
  const bad: [object, RegExp][] = [
    [{ tensor: '/m/none', width: 256, maskName: 'm' }, /'\/m\/none' is not in the model/],
    [{ tensor: LAYER1, width: 0, maskName: 'm' }, /positive integer/],
    [{ tensor: LAYER1, width: 256, maskName: 'input_ids' }, /already used/],
    [{ tensor: LAYER1, width: 256, maskName: '' }, /empty/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(() => addMaskInputs(model, [spec as never]), (e: unknown) => e instanceof GrainError && message.test(e.message) && e.where.file === model.file);
  }
  assert.throws(
    () => addMaskInputs(model, [{ tensor: LAYER1, width: 256, maskName: 'a' }, { tensor: LAYER1, width: 256, maskName: 'b' }]),
    /masked twice/,
  );
});
