// `grain ablate` on a model without an LM head (brown-bert with its head cut off, as a
// feature-extraction export): the representation objective, said in words, and a clear refusal
// when a loss is asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import { featureExtractionCopy } from '../fixtures/onnx/lm-heads';
import type { RepresentationAblationResult } from '../../src/shared/results';

const TEXT = join(MODELS, 'brown-test-2000.txt');

test('a feature-extraction encoder is ablated by the representation objective; a loss is refused naming its outputs', async (t) => {
  const dir = tempDir(t);
  const { dir: model } = featureExtractionCopy(join(MODELS, 'brown-bert'), join(dir));
  const out = join(dir, 'a.json');
  const run = grain(['ablate', '--model', model, '--input', TEXT, '--max-sentences', '100', '--mask', 'layer4:0-15', '--mask', 'layer1:0-49', '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /representation objective, no LM loss: none of the model's outputs is LM logits: its outputs are last_hidden_state \(width 256\); the tokenizer's vocabulary has 4096 ids/);
  assert.match(run.stdout, /move layer4 \(256 units\), the last layer boundary, against the unablated model at \d+ token positions of 100 sentences/);
  assert.match(run.stdout, /layer4 is also an ablation site: zeroing its own units moves it directly/);
  assert.match(run.stdout, /ablate layer1:0-49 \(50 units\): mean squared change [\d.]+, mean cosine 0\.9\d+ \(1 - cosine 0\.0\d+\)/);
  assert.doesNotMatch(run.stdout, /NLL|perplexity/);
  const r = JSON.parse(readFileSync(out, 'utf8')) as RepresentationAblationResult;
  assert.equal(r.version, 2);
  assert.deepEqual(nonCamelKeys(r), []);
  assert.equal(r.objective, 'representation');
  assert.equal(r.metric.key, 'cosineDistance');
  assert.deepEqual(r.compared, { name: 'layer4', width: 256, tensor: 'last_hidden_state' });
  assert.deepEqual([r.baseline.meanSquaredChange, r.baseline.meanCosine, r.baseline.cosineDistance], [0, 1, 0]);
  for (const m of r.masks) {
    assert.ok(m.meanSquaredChange > 0 && m.meanCosine < 1);
    assert.equal(m.cosineDistance, 1 - m.meanCosine);
    assert.equal(m.delta, m.cosineDistance);
    assert.equal(m.tokens, r.baseline.tokens);
    assert.equal((m as unknown as Record<string, unknown>).meanNll, undefined);
  }

  for (const objective of ['masked', 'causal']) {
    const refused = join(dir, `${objective}.json`);
    const bad = grain(['ablate', '--model', model, '--input', TEXT, '--max-sentences', '10', '--mask', 'layer1:0', '--objective', objective, '--out', refused]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`${join(model, 'model.onnx').replace(/[.]/g, '\\.')}: .*needs the LM's logits`));
    assert.match(bad.stderr, /its outputs are last_hidden_state \(width 256\); the tokenizer's vocabulary has 4096 ids/);
    assert.ok(!existsSync(refused));
  }
  const usage = grain(['ablate', '--model', model, '--input', TEXT, '--mask', 'layer1:0', '--objective', 'loss', '--out', join(dir, 'u.json')]);
  assert.notEqual(usage.status, 0);
  assert.match(usage.stderr, /--objective must be one of causal, masked, representation/);
});

test('brown-bert is a masked LM: the causal objective is refused, the representation one can be asked for', async (t) => {
  const dir = tempDir(t);
  const bert = join(MODELS, 'brown-bert');
  const causal = grain(['ablate', '--model', bert, '--input', TEXT, '--max-sentences', '10', '--mask', 'layer1:0', '--objective', 'causal', '--out', join(dir, 'c.json')]);
  assert.equal(causal.status, 1);
  assert.match(causal.stderr, /a causal-LM \(next-token\) loss would be meaningless: output 'logits' \(width 4096\) is the LM's logits .*bidirectional/);
  const out = join(dir, 'r.json');
  const rep = grain(['ablate', '--model', bert, '--input', TEXT, '--max-sentences', '20', '--mask', 'layer2:0-49', '--objective', 'representation', '--out', out]);
  assert.equal(rep.status, 0, rep.stderr);
  assert.match(rep.stdout, /representation objective, no LM loss: asked for, although output 'logits' \(width 4096\) is the LM's logits/);
  const r = JSON.parse(readFileSync(out, 'utf8')) as RepresentationAblationResult;
  assert.equal(r.compared?.name, 'layer4');
});
