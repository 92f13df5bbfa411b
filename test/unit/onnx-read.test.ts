import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../src/core/runtime/ort';
import { GrainError } from '../../src/core/errors';
import { addOutputs, decodeOnnxModel, encodeModelProto, externalWeights, modelInputs, needsModelFile, readOnnxModel } from '../../src/core/onnx';
import { createSession } from '../../src/core/runtime/session';
import { buildFeeds, planFeeds } from '../../src/core/runtime/feeds';
import { ChunkWriter, scanFields } from '../../src/core/onnx/wire';
import { GraphBuilder } from '../fixtures/onnx/builder';

ort.env.logLevel = 'error';

function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'grain-onnx-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function notOnnx(file: string, why: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof GrainError, String(e));
    assert.equal(e.where.file, file);
    assert.match(e.message, /is not an ONNX model/);
    assert.match(e.message, why);
    return true;
  };
}

test('demo model decodes: graph, opset, fp16 initializers', () => {
  const m = readOnnxModel('models/brown-gpt/model.onnx');
  assert.equal(m.proto.irVersion, 8);
  assert.deepEqual(m.proto.opsetImport.map((o) => o.version), [17]);
  assert.deepEqual(m.graph.output.map((o) => o.name), ['logits']);
  assert.equal(m.graph.initializer.length, 52);
  assert.ok(m.graph.initializer.some((t) => t.dataType === 10), 'float16 weights');
  assert.deepEqual(m.externalData, []);
});

test('files that are not ONNX give a GrainError naming the file', () =>
  withDir((dir) => {
    const good = readFileSync('models/brown-lstm-s1/model.onnx');
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['empty.onnx', new Uint8Array(0), /empty/],
      ['config.onnx', readFileSync('models/brown-lstm-s1/config.json'), /text/],
      ['random.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /protobuf decoding failed/],
      ['truncated.onnx', good.subarray(0, good.length >> 1), /truncated/],
      ['head.onnx', good.subarray(0, 40), /./],
      ['text.onnx', 'hello world\n', /text/],
    ];
    for (const [name, content, why] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      assert.throws(() => readOnnxModel(file), notOnnx(file, why));
    }
    assert.throws(() => readOnnxModel(join(dir, 'missing.onnx')), (e: unknown) => e instanceof GrainError && /missing\.onnx: file not found/.test(e.message));
  }));

test('fields the schema does not know survive surgery byte for byte', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', 1, [2, 3]);
  const y = g.op('Relu', '/a/Relu', [x]);
  g.output(g.op('Neg', '/a/Neg', [y]));
  const plain = g.build();
  // Unknown field 99 (varint 7) at model level and field 42 (string) inside the first node.
  const unknownTop = Uint8Array.from([0x98, 0x06, 0x07]);
  const w = new ChunkWriter();
  for (const f of scanFields(plain)) {
    if (f.no !== 7) {
      w.copy(plain, f);
      continue;
    }
    const gw = new ChunkWriter();
    let first = true;
    for (const gf of scanFields(plain, f.valueStart, f.end)) {
      if (gf.no === 1 && first) {
        first = false;
        gw.message(1, new ChunkWriter().raw(plain.subarray(gf.valueStart, gf.end)).string(42, 'keep me').finish());
      } else gw.copy(plain, gf);
    }
    w.message(7, gw.finish());
  }
  w.raw(unknownTop);
  const bytes = w.finish();
  const model = decodeOnnxModel(bytes, 'unknown.onnx');
  const out = addOutputs(model, [y]);
  const top = scanFields(out);
  const f99 = top.find((f) => f.no === 99);
  assert.ok(f99, 'model-level unknown field kept');
  assert.deepEqual([...out.subarray(f99.start, f99.end)], [...unknownTop]);
  assert.ok(Buffer.from(out).includes(Buffer.from('keep me')), 'node-level unknown field kept');
  const session = await ort.InferenceSession.create(out);
  const r = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4, -5, 6]), [2, 3]) });
  assert.deepEqual([...(r[y].data as Float32Array)], [0, 2, 0, 4, 0, 6]);
});

test('external data: missing file is named; the edited model runs without writing into the model folder, linked or from memory', () =>
  withDir(async (dir) => {
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
    mkdirSync(join(dir, 'weights'));
    writeFileSync(join(dir, 'weights', 'w.bin'), new Uint8Array(w.buffer));
    const g = new GraphBuilder();
    const x = g.input('x', 1, ['b', 2]);
    g.initializers.push({
      name: 'W',
      dims: [2, 3],
      dataType: 1,
      dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights/w.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '24' }],
    });
    const h = g.op('MatMul', '/l/MatMul', [x, 'W']);
    g.output(g.op('Relu', '/l/Relu', [h]));
    const file = join(dir, 'model.onnx');
    writeFileSync(file, g.build());
    const model = readOnnxModel(file);
    assert.deepEqual(model.externalData, ['weights/w.bin']);
    assert.ok(needsModelFile(model));
    const edited = addOutputs(model, [h]);
    await assert.rejects(ort.InferenceSession.create(edited), 'bytes alone cannot find the weights');
    const before = readdirSync(dir, { recursive: true }).sort();
    const run = async (session: ort.InferenceSession) => {
      const r = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, -1]), [1, 2]) });
      assert.deepEqual([...(r[h].data as Float32Array)], [-3, -3, -3]);
    };
    await run(await createSession(model, edited, { threads: 1 }));
    // A temp folder where nothing can be linked (here: a file in the way) gets the weights in memory.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const inMemory = externalWeights(model, () => join(dir, 'not-a-folder'));
    assert.equal(inMemory.kind, 'memory');
    if (inMemory.kind === 'memory') {
      assert.deepEqual(inMemory.files.map((f) => f.path), ['weights/w.bin']);
      await run(await ort.InferenceSession.create(edited, { externalData: inMemory.files }));
    }
    rmSync(join(dir, 'not-a-folder'));
    assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before, 'nothing was written into the model folder');
    writeFileSync(join(dir, 'moved.onnx'), g.build());
    rmSync(join(dir, 'weights', 'w.bin'));
    assert.throws(() => readOnnxModel(join(dir, 'moved.onnx')), (e: unknown) => e instanceof GrainError && /external file 'weights\/w\.bin'/.test(e.message));
  }));

test('modelInputs: feeds only, with types, dims and roles', () => {
  assert.deepEqual(modelInputs(readOnnxModel('models/brown-bert/model.onnx')), [
    { name: 'input_ids', type: 'int64', dims: ['batch', 'sequence'], role: 'input_ids' },
    { name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'], role: 'attention_mask' },
  ]);
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 7, ['b', 's']);
  const past = g.input('past_key_values.0.key', 10, ['b', 4, 'p', 8]);
  g.input('W', 1, [3, 2]); // an initializer listed as input: not a feed
  g.weight('W', [3, 2]);
  g.output(g.op('Gather', '/e/Gather', ['W', ids]));
  g.output(g.op('Identity', '/p/Identity', [past]), 10);
  const inputs = modelInputs(decodeOnnxModel(encodeModelProto(g.model())));
  assert.deepEqual(inputs, [
    { name: 'input_ids', type: 'int64', dims: ['b', 's'], role: 'input_ids' },
    { name: 'past_key_values.0.key', type: 'float16', dims: ['b', 4, 'p', 8], role: 'past' },
  ]);
  const plan = planFeeds(inputs, 'm.onnx');
  assert.deepEqual(plan.inputs[1], { name: 'past_key_values.0.key', role: 'past', type: 'float16', axes: ['batch', 4, 'past', 8] });
  const fed = buildFeeds(plan, [Int32Array.of(1, 2, 3), Int32Array.of(4)], 3, 0);
  assert.deepEqual(fed['past_key_values.0.key'].dims, [2, 4, 0, 8], 'an empty past: length 0');
  assert.deepEqual([...(fed.input_ids.data as BigInt64Array)], [1n, 2n, 3n, 4n, 0n, 0n]);
  const named = planFeeds([{ name: 'past_key_values.3.value', type: 'float32', dims: ['past_sequence_length', 'batch_size', 2, 16], role: 'past' }, inputs[0]], 'm.onnx');
  assert.deepEqual(named.inputs[0], { name: 'past_key_values.3.value', role: 'past', type: 'float32', axes: ['past', 'batch', 2, 16] });
  assert.throws(
    () => planFeeds([inputs[0], { name: 'past_key_values.0.key', type: 'float32', dims: ['a', 'b', 'c', 8], role: 'past' }], 'm.onnx'),
    (e: unknown) => e instanceof GrainError && /past_key_values\.0\.key.*\[a, b, c, 8\].*past length/.test(e.message) && e.where.file === 'm.onnx',
  );
  assert.throws(
    () => planFeeds([inputs[0], { name: 'pixel_values', type: 'float32', dims: ['b', 3, 224, 224], role: 'other' }], 'm.onnx'),
    (e: unknown) => e instanceof GrainError && /cannot fill: pixel_values \(float32 \[b, 3, 224, 224\]\)/.test(e.message),
  );
});

test('int32 token ids are fed as int32: a graph that takes them runs on what buildFeeds makes', async () => {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 6, ['b', 's']);
  g.input('attention_mask', 6, ['b', 's']);
  g.output(g.op('Gather', '/e/Gather', [g.weight('table', [10, 3]), ids]));
  const model = decodeOnnxModel(encodeModelProto(g.model()));
  const plan = planFeeds(modelInputs(model), 'int32.onnx');
  assert.deepEqual(plan.inputs.map((i) => i.type), ['int32', 'int32']);
  const fed = buildFeeds(plan, [Int32Array.of(1, 2, 3), Int32Array.of(9)], 3, 0);
  assert.ok(fed.input_ids.data instanceof Int32Array);
  assert.deepEqual([...(fed.attention_mask.data as Int32Array)], [1, 1, 1, 1, 0, 0]);
  const session = await createSession(model, model.bytes, { threads: 1 });
  const out = await session.run(fed);
  assert.deepEqual(out['/e/Gather_output_0'].dims, [2, 3, 3]);
});
