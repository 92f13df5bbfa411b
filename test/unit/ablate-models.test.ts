/**
 * Ablation on the demo models. The fast tests use a subset of brown-test-2000.txt and check
 * against an independent computation; config.json's eval figures on all 2,000 sentences are
 * reproduced through the CLI in test/integration/ablate.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ort } from '../../src/core/runtime/ort';
import { CancelledError } from '../../src/core/errors';
import { readSentenceFile } from '../../src/core/text';
import {
  ablationCurve,
  ablationFromNeurons,
  evaluateAblations,
  evaluateLoss,
  openAblationSession,
  parseMaskSpec,
  prepareText,
} from '../../src/core/ablate/index';

const TEXT = 'models/brown-test-2000.txt';
const { sentences, lines } = readSentenceFile(TEXT);

interface EvalFigures {
  test_mean_nll: number;
  test_tokens: number;
  ablations: { boundary_name: string; units: number[]; test_mean_nll: number }[];
}
const evalOf = (m: string): EvalFigures => JSON.parse(readFileSync(`models/${m}/config.json`, 'utf8')).eval;

/** Per-sentence NLL from the untouched model.onnx, one unpadded sentence per run, Math.exp. */
async function directNll(model: string, ids: Int32Array[]): Promise<{ total: number; tokens: number }> {
  const s = await ort.InferenceSession.create(`models/${model}/model.onnx`);
  let total = 0;
  let tokens = 0;
  try {
    for (const row of ids) {
      const out = await s.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(row, (v) => BigInt(v)), [1, row.length]) });
      const l = out.logits;
      const V = l.dims[2];
      const d = l.data as Float32Array;
      for (let p = 0; p + 1 < row.length; p++) {
        let lse = 0;
        for (let v = 0; v < V; v++) lse += Math.exp(d[p * V + v]);
        total += Math.log(lse) - d[p * V + row[p + 1]];
        tokens++;
      }
    }
  } finally {
    await s.release();
  }
  return { total, tokens };
}

for (const model of ['brown-lstm-s1', 'brown-gpt']) {
  test(`${model}: batched, padded loss through the masked session equals unpadded runs of the original model`, async () => {
    const session = await openAblationSession(`models/${model}`, { threads: 2 });
    try {
      assert.equal(session.objective, 'causal');
      const n = 120;
      // Small batches so the subset spans several batches with padding.
      const text = prepareText(session, sentences, { maxSentences: n, batchTokens: 512, file: TEXT, lines });
      assert.ok(text.batches.length > 3);
      const got = await evaluateLoss(session, text, null);
      const ids = sentences.slice(0, n).map((w) => session.tokenizer.encodeWords(w, { appendEos: true }).ids);
      const want = await directNll(model, ids);
      assert.equal(got.tokens, want.tokens);
      assert.ok(Math.abs(got.meanNll - want.total / want.tokens) < 1e-5, `${got.meanNll} vs ${want.total / want.tokens}`);
      // The two ablations of the model card hurt, and a spec and the same neuron ids agree exactly.
      const byUnits = await evaluateLoss(session, text, parseMaskSpec('layer1:0-49', session.sites));
      const byIds = await evaluateLoss(session, text, ablationFromNeurons(Int32Array.from({ length: 50 }, (_, i) => 256 + i), session.sites));
      assert.equal(byUnits.meanNll, byIds.meanNll);
      assert.ok(byUnits.meanNll > got.meanNll);
    } finally {
      await session.close();
    }
  });

  test(`${model}: scored tokens on all 2,000 sentences match config.json test_tokens`, async () => {
    const session = await openAblationSession(`models/${model}`, { threads: 2 });
    try {
      const text = prepareText(session, sentences, { file: TEXT, lines });
      assert.equal(text.sentences, 2000);
      assert.equal(text.tokens, evalOf(model).test_tokens);
    } finally {
      await session.close();
    }
  });
}

test('brown-lstm-s1: ablation curve, one session, random draws, progress and cancel', async () => {
  const session = await openAblationSession('models/brown-lstm-s1', { threads: 2 });
  try {
    const text = prepareText(session, sentences, { maxSentences: 40 });
    const first = Int32Array.from({ length: 768 }, (_, i) => i);
    const last = first.slice().reverse();
    const seen: string[] = [];
    const c = await ablationCurve(session, text, [{ name: 'first', neurons: first }, { name: 'last', neurons: last }], [0, 50, 300], {
      randomDraws: 2,
      seed: 9,
      onProgress: (done, total, label) => seen.push(`${done}/${total} ${label}`),
    });
    assert.equal(seen.length, 1 + 4 * 2);
    assert.equal(seen[seen.length - 1], '9/9 random 2/2: 300 neurons');
    assert.equal(c.baseline.objective, 'causal');
    assert.equal(c.series[0].values[0], c.baseline.loss!.meanNll);
    const direct = await evaluateLoss(session, text, ablationFromNeurons(first.subarray(0, 300), session.sites));
    assert.equal(c.series[0].values[2], direct.meanNll);
    assert.equal(c.series[0].points[2].loss!.meanNll, direct.meanNll);
    assert.ok(c.series[0].values[2] > c.baseline.value);
    const r = c.random!;
    for (let k = 1; k < 3; k++) {
      assert.ok(r.min[k] <= r.mean[k] && r.mean[k] <= r.max[k] && r.min[k] < r.max[k]);
      const a = r.perDraw[k];
      const b = r.perDraw[3 + k];
      assert.ok(Math.abs(r.std[k] - Math.abs(a - b) / Math.SQRT2) < 1e-12);
    }
    const ctl = new AbortController();
    await assert.rejects(
      ablationCurve(session, text, [{ name: 'first', neurons: first }], [0, 10, 20], { randomDraws: 0, signal: ctl.signal, onProgress: () => ctl.abort() }),
      CancelledError,
    );
    await assert.rejects(ablationCurve(session, text, [{ name: 'short', neurons: first.subarray(0, 5) }], [10]), /has 5 neurons, but the curve ablates up to 10/);
  } finally {
    await session.close();
  }
});

test('brown-bert: masked-LM loss at seeded positions, saved with the result', async () => {
  const run = (maxSentences: number) =>
    evaluateAblations('models/brown-bert', TEXT, [null, 'layer2:0-49'], { maxSentences, threads: 2 });
  const a = await run(60);
  const b = await run(30);
  assert.ok(a.masked && b.masked);
  // A subset scores the same positions as the first sentences of a larger run.
  assert.deepEqual([...b.masked.position], [...a.masked.position.subarray(0, b.masked.position.length)]);
  assert.equal(a.evaluations[0].result.tokens, a.masked.position.length);
  assert.equal(a.objective, 'masked');
  const [base, ablated] = a.evaluations.map((e) => e.result.loss!.meanNll);
  // Reference (torch's own masking draw): 3.564 unablated, 3.691 ablated.
  assert.ok(base > 2.5 && base < 5, `${base}`);
  assert.ok(ablated > base);
});

test('brown-gpt: MLP sites can be ablated, and masking extra sites with ones changes nothing', async () => {
  const opts = { maxSentences: 30, threads: 2 };
  const all = await evaluateAblations('models/brown-gpt', TEXT, [null, 'layer1:0-49', 'mlp1:0-1023'], { ...opts, sites: 'all' });
  const layers = await evaluateAblations('models/brown-gpt', TEXT, [null, 'layer1:0-49'], { ...opts, sites: 'layers' });
  // Different graphs may fuse differently, so allow float32 rounding, far below any ablation effect.
  const nll = (r: typeof all, i: number) => r.evaluations[i].result.loss!.meanNll;
  assert.ok(Math.abs(nll(all, 0) - nll(layers, 0)) < 1e-6);
  assert.ok(Math.abs(nll(all, 1) - nll(layers, 1)) < 1e-6);
  assert.ok(nll(all, 2) > nll(all, 0) + 0.01);
  await assert.rejects(
    evaluateAblations('models/brown-gpt', TEXT, ['mlp1:0-1024'], { ...opts, sites: 'all' }),
    /mask spec 'mlp1:0-1024': unit 1024 is out of range for mlp1, which has units 0-1023/,
  );
});
