/**
 * What ablation measures: a loss only on real LM logits, else the change of the last layer
 * boundary. Small transformers of real widths (hidden 128, vocabulary 4,096, the demo models'
 * tokenizers); the representation figures are checked against onnxruntime runs of the unedited
 * graphs, one unpadded sentence at a time, with the units zeroed by hand or by a graph built
 * with them zeroed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ort } from '../../src/core/runtime/ort';
import { GrainError } from '../../src/core/errors';
import { readSentenceFile } from '../../src/core/text';
import {
  ablationCurve,
  ablationFromNeurons,
  addBatchChange,
  chooseLogits,
  createEvaluator,
  evaluateLoss,
  isVocabWidth,
  judgeOutputs,
  maxLogitsWidth,
  openAblationSession,
  parseMaskSpec,
  prepareText,
  type AblationSession,
  type PreparedText,
} from '../../src/core/ablate/index';
import { decoder, encoder, modelFolder } from '../fixtures/onnx/lm-heads';

const TEXT = 'models/brown-test-2000.txt';
const { sentences } = readSentenceFile(TEXT);
const folders: string[] = [];
after(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));
const folder = (...args: Parameters<typeof modelFolder>) => {
  const d = modelFolder(...args);
  folders.push(d);
  return d;
};

// A feature-extraction encoder: last_hidden_state (width 128) is its only output, read by no
// node; the tokenizer (brown-bert's) has 4,096 ids. Its boundaries are found from the graph.
const featureEncoder = encoder({ vocab: 4096, hidden: 128, layers: 2 });
const FEATURES = folder(featureEncoder.bytes, 'models/brown-bert');

async function withSession<T>(dir: string, fn: (s: AblationSession) => Promise<T>, opts: Parameters<typeof openAblationSession>[1] = {}): Promise<T> {
  const s = await openAblationSession(dir, { threads: 2, ...opts });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** last_hidden_state of the unedited model.onnx at every position, one unpadded sentence per run. */
async function directVectors(modelBytes: Uint8Array, rows: Int32Array[], output = 'last_hidden_state'): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(modelBytes);
  try {
    const out: Float32Array[] = [];
    for (const ids of rows) {
      const dims = [1, ids.length];
      const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), dims) };
      if (s.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims);
      out.push((await s.run(feeds))[output].data as Float32Array);
    }
    return out;
  } finally {
    await s.release();
  }
}

/** Mean squared change and mean cosine of `ablated` against `base`, in float64. */
function change(base: Float32Array[], ablated: Float32Array[], width: number): { msc: number; cos: number; positions: number } {
  let sq = 0;
  let cos = 0;
  let positions = 0;
  base.forEach((b, s) => {
    const a = ablated[s];
    for (let p = 0; p < b.length / width; p++) {
      let d = 0;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let u = 0; u < width; u++) {
        const x = a[p * width + u];
        const y = b[p * width + u];
        d += (x - y) ** 2;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      sq += d;
      cos += ab / Math.sqrt(aa * bb);
      positions++;
    }
  });
  return { msc: sq / (positions * width), cos: cos / positions, positions };
}

test('logits width rule: the vocabulary, or padded up to the next multiple of 128', () => {
  // GPT-2: 50,257 ids, logits padded to 50,304 rows in many exports.
  assert.equal(maxLogitsWidth(50257), 50304);
  assert.ok(isVocabWidth(50257, 50257) && isVocabWidth(50304, 50257));
  assert.ok(!isVocabWidth(50256, 50257) && !isVocabWidth(50305, 50257) && !isVocabWidth(50432, 50257));
  assert.ok(isVocabWidth(4096, 4096) && !isVocabWidth(4097, 4096) && !isVocabWidth(128, 4096));
  const v = judgeOutputs(
    [
      { name: 'last_hidden_state', dims: [2, 3, 4096] },
      { name: 'pooled', dims: [2, 4096] },
      { name: 'present.0.key', dims: [2, 4, 3, 32] },
      { name: 'scores', dims: [2, 3, 4100] },
    ],
    4096,
    2,
    3,
  );
  assert.deepEqual(v.map((o) => [o.name, o.width, o.logits]), [
    ['last_hidden_state', 4096, false],
    ['pooled', 4096, false],
    ['present.0.key', 32, false],
    ['scores', 4100, false],
  ]);
  assert.match(v[0].why, /hidden state by its name/);
  assert.match(v[1].why, /not one vector per position/);
  assert.equal(chooseLogits(v, 4096, 'm.onnx'), null);
  const two = judgeOutputs([{ name: 'a', dims: [2, 3, 4096] }, { name: 'b', dims: [2, 3, 4096] }], 4096, 2, 3);
  assert.throws(() => chooseLogits(two, 4096, 'm.onnx'), /m\.onnx: several outputs could be the LM's logits \(a: 4096, b: 4096\) and none is named 'logits'/);
  const named = judgeOutputs([{ name: 'a', dims: [2, 3, 4096] }, { name: 'logits', dims: [2, 3, 4096] }], 4096, 2, 3);
  assert.equal(chooseLogits(named, 4096, 'm.onnx')?.name, 'logits');
});

test('feature-extraction encoder (last_hidden_state 128, vocabulary 4096): representation, and no loss even when asked for', async () => {
  await withSession(FEATURES, async (s) => {
    assert.equal(s.objective, 'representation');
    assert.equal(s.logits, null);
    assert.deepEqual(s.outputs.map((o) => [o.name, o.width, o.logits]), [['last_hidden_state', 128, false]]);
    assert.equal(s.compared?.name, 'layer2');
    assert.equal(s.compared?.tensor, 'last_hidden_state');
    assert.match(s.objectiveReason, /none of the model's outputs is LM logits: its outputs are last_hidden_state \(width 128\); the tokenizer's vocabulary has 4096 ids/);
    await assert.rejects(s.run(s.feeds([Int32Array.from([2, 5, 3])]), s.sites.map((x) => new Float32Array(x.width).fill(1))), /reads no logits/);
  });
  for (const objective of ['causal', 'masked'] as const) {
    await assert.rejects(openAblationSession(FEATURES, { objective, threads: 2 }), (e: unknown) => {
      assert.ok(e instanceof GrainError);
      assert.equal(e.where.file, join(FEATURES, 'model.onnx'));
      assert.match(e.message, new RegExp(`${objective === 'causal' ? 'a causal-LM \\(next-token\\) loss' : 'a masked-LM loss'} needs the LM's logits`));
      assert.match(e.message, /its outputs are last_hidden_state \(width 128\); the tokenizer's vocabulary has 4096 ids, so LM logits would have a last dimension of 4096/);
      assert.match(e.message, /model\.onnx: /);
      return true;
    });
  }
});

/** Prepared text spanning several padded batches. */
function smallText(s: AblationSession, n = 40): PreparedText {
  return prepareText(s, sentences, { maxSentences: n, batchTokens: 256 });
}

test('representation figures equal a direct computation on the unedited graph (units of the last site, and of the embeddings)', async () => {
  const n = 40;
  await withSession(FEATURES, async (s) => {
    const text = smallText(s, n);
    assert.ok(text.batches.length > 3);
    const rows = sentences.slice(0, n).map((w) => s.tokenizer.encodeWords(w).ids);
    assert.equal(text.tokens, rows.reduce((a, r) => a + r.length, 0));
    const base = await directVectors(featureEncoder.bytes, rows);
    const ev = createEvaluator(s, text);

    const unablated = await ev.evaluate(null);
    assert.deepEqual(unablated.representation, { meanSquaredChange: 0, meanCosine: 1, cosineDistance: 0, tokens: text.tokens, units: 128 });

    // Zeroing units 0-15 of layer2 (last_hidden_state itself): the change at each position is
    // exactly the squares of those units, and the cosine sqrt(1 - zeroed / |v|^2).
    const own = (await ev.evaluate(parseMaskSpec('layer2:0-15', s.sites))).representation!;
    let sq = 0;
    let cos = 0;
    let positions = 0;
    for (const v of base) {
      for (let p = 0; p < v.length / 128; p++) {
        let z = 0;
        let all = 0;
        for (let u = 0; u < 128; u++) {
          const x = v[p * 128 + u];
          all += x * x;
          if (u < 16) z += x * x;
        }
        sq += z;
        cos += Math.sqrt(1 - z / all);
        positions++;
      }
    }
    assert.equal(own.tokens, positions);
    assert.ok(Math.abs(own.meanSquaredChange - sq / (positions * 128)) < 1e-6, `${own.meanSquaredChange} vs ${sq / (positions * 128)}`);
    assert.ok(Math.abs(own.meanCosine - cos / positions) < 1e-6, `${own.meanCosine} vs ${cos / positions}`);
    assert.ok(own.meanSquaredChange > 0.05 && own.meanCosine < 0.99);
    assert.equal(own.cosineDistance, 1 - own.meanCosine);

    // Zeroing units 0-15 of the embeddings: against the same graph built with those units
    // multiplied by 0 (no Grain surgery), run the same way.
    const zeroed = encoder({ vocab: 4096, hidden: 128, layers: 2, zeroEmbeddingUnits: Array.from({ length: 16 }, (_, u) => u) });
    const want = change(base, await directVectors(zeroed.bytes, rows), 128);
    const got = (await ev.evaluate(parseMaskSpec('embeddings:0-15', s.sites))).representation!;
    assert.ok(Math.abs(got.meanSquaredChange - want.msc) < 1e-6, `${got.meanSquaredChange} vs ${want.msc}`);
    assert.ok(Math.abs(got.meanCosine - want.cos) < 1e-6, `${got.meanCosine} vs ${want.cos}`);
    assert.ok(got.meanSquaredChange > 1e-3, `${got.meanSquaredChange}`);

    // Over the budget, the unablated batch is recomputed next to each ablated one: same figures.
    const recomputed = createEvaluator(s, text, { baselineBudget: 0 });
    const again = (await recomputed.evaluate(parseMaskSpec('embeddings:0-15', s.sites))).representation!;
    assert.ok(Math.abs(again.meanSquaredChange - got.meanSquaredChange) < 1e-12);
    assert.ok(Math.abs(again.meanCosine - got.meanCosine) < 1e-12);
  });
});

test('representation curves: 0 at no ablation, growing with the neurons zeroed, random draws summarized', async () => {
  await withSession(FEATURES, async (s) => {
    const text = smallText(s, 20);
    const ev = createEvaluator(s, text);
    const all = Int32Array.from({ length: s.neurons }, (_, i) => i);
    const c = await ablationCurve(s, text, [{ name: 'first', neurons: all }], [0, 48, 192], { randomDraws: 2, seed: 3, evaluator: ev });
    assert.equal(c.baseline.value, 0);
    assert.deepEqual([...c.series[0].values.subarray(0, 1)], [0]);
    assert.ok(c.series[0].values[1] > 0 && c.series[0].values[2] > c.series[0].values[1]);
    const direct = await ev.evaluate(ablationFromNeurons(all.subarray(0, 192), s.sites));
    assert.equal(c.series[0].values[2], direct.value);
    assert.equal(c.series[0].points[2].representation!.meanSquaredChange, direct.representation!.meanSquaredChange);
    const r = c.random!;
    assert.equal(r.points.length, 2);
    for (let k = 1; k < 3; k++) assert.ok(r.min[k] <= r.mean[k] && r.mean[k] <= r.max[k]);
  });
});

test('cosine of zero vectors: 0 against a non-zero vector, 1 between two zero vectors', () => {
  const sums = { squared: 0, cosine: 0, positions: 0 };
  const v = (data: number[]) => ({ data: Float32Array.from(data), batchStride: 4, positionStride: 2, width: 2 });
  // Position 0: zeroed against (3, 4); position 1: zero against zero.
  addBatchChange(sums, Int32Array.from([7, 7]), 1, 2, v([0, 0, 0, 0]), v([3, 4, 0, 0]));
  assert.deepEqual(sums, { squared: 25, cosine: 1, positions: 2 });
});

test('a BERT export with a pooler: pooler_output is never logits, even at the vocabulary width; the boundaries are found', async () => {
  const m = encoder({ vocab: 4096, hidden: 128, layers: 2, heads: [{ name: 'pooler_output', width: 4096 }] });
  await withSession(folder(m.bytes, 'models/brown-bert'), async (s) => {
    // Even at the vocabulary's width, a hidden-state name is never read as logits.
    assert.deepEqual(s.outputs.map((o) => [o.name, o.width, o.logits]), [['last_hidden_state', 128, false], ['pooler_output', 4096, false]]);
    assert.equal(s.objective, 'representation');
    assert.deepEqual(s.sites.map((x) => x.name), ['embeddings', 'layer1', 'layer2']);
    assert.equal(s.compared?.tensor, 'last_hidden_state');
  });
});

test('decoder with present.N.key/value outputs: the logits are found by width (and by name), and scored as the unedited graph', async () => {
  const m = decoder({ vocab: 4096, logitsWidth: 4096, hidden: 128, layers: 2, present: true });
  const dir = folder(m.bytes, 'models/brown-gpt');
  await withSession(dir, async (s) => {
    assert.deepEqual(s.outputs.map((o) => [o.name, o.width, o.logits]), [
      ['present.0.key', 128, false],
      ['present.0.value', 128, false],
      ['present.1.key', 128, false],
      ['present.1.value', 128, false],
      ['logits', 4096, true],
    ]);
    assert.equal(s.objective, 'causal');
    assert.deepEqual(s.logits, { name: 'logits', width: 4096 });
    assert.equal(s.compared, null);
    const text = prepareText(s, sentences, { maxSentences: 12, batchTokens: 256 });
    const got = await evaluateLoss(s, text, null);
    // Direct: unpadded runs of the unedited graph, log-softmax by Math.exp.
    const rows = sentences.slice(0, 12).map((w) => {
      const e = s.tokenizer.encodeWords(w, { appendEos: true });
      return s.tokenizer.bosId !== undefined && !e.special[0] ? Int32Array.from([s.tokenizer.bosId, ...e.ids]) : e.ids;
    });
    const logits = await directVectors(m.bytes, rows, 'logits');
    let total = 0;
    let tokens = 0;
    rows.forEach((ids, r) => {
      const d = logits[r];
      for (let p = 0; p + 1 < ids.length; p++) {
        let lse = 0;
        for (let v = 0; v < 4096; v++) lse += Math.exp(d[p * 4096 + v]);
        total += Math.log(lse) - d[p * 4096 + ids[p + 1]];
        tokens++;
      }
    });
    assert.equal(got.tokens, tokens);
    assert.ok(Math.abs(got.meanNll - total / tokens) < 1e-5, `${got.meanNll} vs ${total / tokens}`);
  });
  await assert.rejects(openAblationSession(dir, { objective: 'masked', threads: 2 }), /a masked-LM loss would be meaningless: output 'logits' \(width 4096\) is the LM's logits .* \(causal\)/);
  // Asked for, the representation compares the last block's output.
  await withSession(
    dir,
    async (s) => {
      assert.equal(s.objective, 'representation');
      assert.equal(s.compared?.name, 'layer2');
      assert.match(s.objectiveReason, /asked for, although output 'logits'/);
    },
    { objective: 'representation' },
  );
  // Another name, the same choice: the one output of the vocabulary's width.
  const other = decoder({ vocab: 4096, logitsWidth: 4096, hidden: 128, layers: 1, present: true, logitsName: 'lm_output' });
  await withSession(folder(other.bytes, 'models/brown-gpt'), async (s) => assert.deepEqual(s.logits, { name: 'lm_output', width: 4096 }));
});

test('padded vocabulary: 8,004 ids with logits of 8,064 rows is an LM; 8,192 rows is not logits', async () => {
  const padded = decoder({ vocab: 8004, logitsWidth: 8064, hidden: 32, layers: 1 });
  await withSession(folder(padded.bytes, 'models/brown-lstm-s1'), async (s) => {
    assert.equal(s.objective, 'causal');
    assert.deepEqual(s.logits, { name: 'logits', width: 8064 });
  });
  const wide = decoder({ vocab: 8004, logitsWidth: 8192, hidden: 32, layers: 1 });
  const dir = folder(wide.bytes, 'models/brown-lstm-s1');
  await withSession(dir, async (s) => assert.equal(s.objective, 'representation'));
  await assert.rejects(
    openAblationSession(dir, { objective: 'causal', threads: 2 }),
    /logits \(width 8192\); the tokenizer's vocabulary has 8004 ids, so LM logits would have a last dimension of 8004-8064/,
  );
});

test('a token classifier (only output: logits of width 10, neither vocabulary nor hidden): refused for a loss, representation otherwise', async () => {
  const m = encoder({ vocab: 4096, hidden: 128, layers: 2, hiddenOutput: false, heads: [{ name: 'logits', width: 10 }] });
  const dir = folder(m.bytes, 'models/brown-bert');
  for (const objective of ['causal', 'masked'] as const) {
    await assert.rejects(openAblationSession(dir, { objective, threads: 2 }), (e: unknown) => {
      assert.ok(e instanceof GrainError);
      assert.equal(e.where.file, join(dir, 'model.onnx'));
      assert.match(e.message, /needs the LM's logits, but no output of the model is logits over the tokenizer's vocabulary: its outputs are logits \(width 10\); the tokenizer's vocabulary has 4096 ids/);
      return true;
    });
  }
  await withSession(dir, async (s) => {
    assert.equal(s.objective, 'representation');
    assert.equal(s.compared?.tensor, 'last_hidden_state');
    const text = smallText(s, 10);
    const r = await createEvaluator(s, text).evaluate(parseMaskSpec('layer1:0-63', s.sites));
    assert.ok(r.value > 0 && r.value < 1);
  });
});

test('the demo models keep their LM objectives and name their logits', async () => {
  for (const [model, objective] of [['brown-gpt', 'causal'], ['brown-bert', 'masked'], ['brown-lstm-s1', 'causal']] as const) {
    await withSession(`models/${model}`, async (s) => {
      assert.equal(s.objective, objective);
      assert.equal(s.logits?.name, 'logits');
      assert.equal(s.logits?.width, s.tokenizer.vocabSize);
    });
  }
});
