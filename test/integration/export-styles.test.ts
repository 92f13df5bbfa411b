import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grain, ROOT, tempDir } from '../helpers/cli';
import { STYLES, type Style } from '../fixtures/onnx/exporters/styles';
import { expectedOf } from '../fixtures/onnx/exporters/reference-run';
import type { AnyAblationResult, ClassifierProbeResult } from '../../src/shared/results';

/**
 * Every export style (test/fixtures/models) through the CLI: a POS probe trains on its
 * activations and beats the majority class, and ablation measures what it can: a next-token
 * loss where the model has LM logits, the representation measure where it has none. Styles
 * built from the same weights must give the same figures.
 */
const DIR = join(ROOT, 'test', 'fixtures', 'models');
const DECODERS: Style[] = ['with-past-gpt2', 'dynamo-gpt2', 'ort-fused-gpt2', 'merged-gpt2'];
const ENCODERS: Style[] = ['optimum-bert', 'ort-fused-bert', 'external-data-bert', 'single-file', 'transformersjs-bert'];

const modelOf = (style: Style) => join(DIR, style, expectedOf(style).model);

test('every export style: a probe trains on it and beats the majority class', (t) => {
  const dir = tempDir(t);
  for (const style of STYLES) {
    const out = join(dir, `${style}.json`);
    const run = grain(['probe', '--brown', '--tagset', 'universal', '--train-sentences', '300', '--test-sentences', '100', '--model', modelOf(style), '--out', out, '--threads', '1']);
    assert.equal(run.status, 0, `${style}: ${run.stderr}`);
    const r = JSON.parse(readFileSync(out, 'utf8')) as ClassifierProbeResult;
    assert.ok(r.test.accuracy > r.test.majorityBaseline + 0.05, `${style}: accuracy ${r.test.accuracy} vs majority ${r.test.majorityBaseline}`);
    assert.equal(r.sites.length, Object.keys(expectedOf(style).sites).length, style);
  }
});

test('every export style ablates: a loss from the LM logits, the representation measure without them, equal across styles of the same weights', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  writeFileSync(text, ['The jury said it did .', 'It was a quiet day in Atlanta .', 'They voted no .'].join('\n') + '\n');
  const figures = new Map<Style, number[]>();
  for (const style of STYLES) {
    const out = join(dir, `${style}-ablate.json`);
    const run = grain(['ablate', '--model', modelOf(style), '--input', text, '--mask', 'layer1:0-3', '--mask', 'embeddings:0-7', '--out', out, '--threads', '1']);
    assert.equal(run.status, 0, `${style}: ${run.stderr}`);
    const r = JSON.parse(readFileSync(out, 'utf8')) as AnyAblationResult;
    const lm = expectedOf(style).logits !== null;
    assert.equal(r.objective, lm ? 'causal-lm' : 'representation', style);
    figures.set(style, r.masks.map((m) => ('meanNll' in m ? m.meanNll : m.meanSquaredChange) as number));
  }
  for (const family of [DECODERS, ENCODERS]) {
    const [base, ...others] = family;
    for (const style of others) {
      const a = figures.get(base)!;
      const b = figures.get(style)!;
      a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-3 * (1 + Math.abs(x)), `${style} ${b[i]} vs ${base} ${x}`));
    }
  }
});
