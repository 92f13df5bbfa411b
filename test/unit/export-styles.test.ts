import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ort } from '../../src/core/runtime/ort';
import { openExtractionModel } from '../../src/core/extract/model';
import { extractTo } from '../../src/core/extract/extractor';
import { MemorySink } from '../../src/core/store';
import { REFERENCE, STYLES, type Expected, type Style } from '../fixtures/onnx/exporters/styles';
import { expectedOf, floats, SENTENCES } from '../fixtures/onnx/exporters/reference-run';

/**
 * Grain's extraction on every export style of test/fixtures/models, checked against values it
 * did not compute: each style's reference.onnx, the same graph with the sites as graph outputs
 * (built by the generator, not by Grain's surgery), run by onnxruntime one sentence at a time.
 */
ort.env.logLevel = 'error';

const DIR = 'test/fixtures/models';
const TEXT = [...SENTENCES, 'They voted no .'.split(' '), 'The city paid the bill in full .'.split(' ')];

/** Site name -> the reference tensor holding it; `layerN: null` (no tensor in the export) is read from `fallback`. */
function referenceSites(e: Expected): Map<string, string | null> {
  return new Map([...Object.entries(e.sites), ...Object.entries(e.mlp ?? {})]);
}

/** Feeds for one unpadded sentence, built here (not by Grain) from the reference's declared inputs. */
function oneSentence(e: Expected, ids: Int32Array): Record<string, ort.Tensor> {
  const n = ids.length;
  const ints = (f: (p: number) => number) => new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, p) => BigInt(f(p))), [1, n]);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of e.inputs) {
    if (input.name === 'input_ids') feeds[input.name] = ints((p) => ids[p]);
    else if (input.name === 'attention_mask') feeds[input.name] = ints(() => 1);
    else if (input.name === 'token_type_ids') feeds[input.name] = ints(() => 0);
    else if (input.name === 'position_ids') feeds[input.name] = ints((p) => p);
    else if (input.name.startsWith('past_key_values.')) feeds[input.name] = new ort.Tensor('float32', new Float32Array(0), [1, input.dims[1] as number, 0, input.dims[3] as number]);
    else if (input.name === 'use_cache_branch') feeds[input.name] = new ort.Tensor('bool', Uint8Array.of(0), [1]);
  }
  return feeds;
}

/** Largest |a - b| relative to the reference's scale, per element type: fp32 exact but for summation order, fp16 to its precision. */
const tolerance = (e: Expected) => (e.dtype === 'float16' ? 2e-2 : 2e-5);

for (const style of STYLES as readonly Style[]) {
  test(`${style}: extracted activations at every site and position equal the reference graph's`, async () => {
    const e = expectedOf(style);
    const model = await openExtractionModel(join(DIR, style, e.model), { sites: e.mlp ? 'all' : 'layers', threads: 1 });
    try {
      const sites = referenceSites(e);
      assert.deepEqual(model.sites.map((s) => s.name), [...sites.keys()], model.detection.detail);
      // int8: activations are quantized with a scale over the whole batch, so only unbatched runs are comparable.
      const sink = new MemorySink();
      await extractTo(model, { sentences: TEXT, aggregation: 'last', subword: true, keepSpecial: true, batchSize: style === 'int8-bert' ? 1 : 3 }, sink);
      const m = sink.result();
      const ref = await ort.InferenceSession.create(join(DIR, style, REFERENCE));
      // A site the export has no tensor for (the fused pre-norm stack's last sum) is compared with
      // the same point of another export of the same weights.
      const fallback = style === 'ort-fused-gpt2' ? await ort.InferenceSession.create(join(DIR, 'with-past-gpt2', REFERENCE)) : undefined;
      const fallbackSites = fallback ? referenceSites(expectedOf('with-past-gpt2')) : undefined;
      let compared = 0;
      for (let i = 0; i < TEXT.length; i++) {
        const ids = model.tokenizer.encodeWords(TEXT[i]).ids;
        const start = m.sentenceOffsets[i];
        assert.equal(m.sentenceOffsets[i + 1] - start, ids.length, `sentence ${i + 1}: one row per position`);
        const out = await ref.run(oneSentence(e, ids));
        const outFallback = fallback ? await fallback.run(oneSentence(expectedOf('with-past-gpt2'), ids)) : undefined;
        let column = 0;
        for (const s of model.sites) {
          const tensor = sites.get(s.name);
          const want = tensor ? floats(out[tensor]) : floats(outFallback![fallbackSites!.get(s.name)!]);
          assert.equal(want.length, ids.length * s.width, `${s.name}: reference width`);
          let worst = 0;
          let scale = 0;
          for (let p = 0; p < ids.length; p++) {
            for (let u = 0; u < s.width; u++) {
              const x = m.data[(start + p) * m.neurons + column + u];
              const y = want[p * s.width + u];
              worst = Math.max(worst, Math.abs(x - y));
              scale = Math.max(scale, Math.abs(y));
              compared++;
            }
          }
          assert.ok(worst <= tolerance(e) * (1 + scale), `${style} sentence ${i + 1} ${s.name} (${s.tensor}): max |grain - reference| ${worst} (scale ${scale})`);
          column += s.width;
        }
      }
      assert.ok(compared > 1000);
      await ref.release();
      await fallback?.release();
    } finally {
      await model.close();
    }
  });
}
