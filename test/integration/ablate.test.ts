import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import type { AblationResult } from '../../src/shared/results';

interface EvalConfig {
  eval: { test_mean_nll: number; test_tokens: number; ablations: { boundary_name: string; units: number[]; test_mean_nll: number; tokens: number }[] };
}

for (const name of ['brown-lstm-s1', 'brown-gpt']) {
  test(`${name}: grain ablate reproduces config.json's unablated and ablated mean NLL on brown-test-2000 within 1e-3`, async (t) => {
    const dir = tempDir(t);
    const config = JSON.parse(readFileSync(join(MODELS, name, 'config.json'), 'utf8')) as EvalConfig;
    const specs = config.eval.ablations.map((a) => `${a.boundary_name}:${a.units.join(',')}`);
    const out = join(dir, 'a.json');
    const run = grain(['ablate', '--model', join(MODELS, name), '--input', join(MODELS, 'brown-test-2000.txt'), '--out', out, ...specs.flatMap((s) => ['--mask', s])]);
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(readFileSync(out, 'utf8')) as AblationResult;
    assert.equal(r.objective, 'causal-lm');
    assert.deepEqual(nonCamelKeys(r), []);
    assert.equal(r.baseline.tokens, config.eval.test_tokens);
    assert.ok(Math.abs(r.baseline.meanNll - config.eval.test_mean_nll) < 1e-3, `baseline ${r.baseline.meanNll} vs ${config.eval.test_mean_nll}`);
    config.eval.ablations.forEach((a, i) => {
      assert.equal(r.masks[i].tokens, a.tokens);
      assert.ok(Math.abs(r.masks[i].meanNll - a.test_mean_nll) < 1e-3, `${a.boundary_name}: ${r.masks[i].meanNll} vs ${a.test_mean_nll}`);
    });
  });
}

test('mask specs out of range, on unknown sites, or an empty text are refused clearly', async (t) => {
  const dir = tempDir(t);
  const lstm = join(MODELS, 'brown-lstm-s1');
  const text = join(MODELS, 'brown-test-2000.txt');
  const range = grain(['ablate', '--model', lstm, '--input', text, '--out', join(dir, 'a.json'), '--mask', 'layer1:250-260']);
  assert.equal(range.status, 1);
  assert.match(range.stderr, /layer1/);
  assert.match(range.stderr, /255|0-255/);
  const site = grain(['ablate', '--model', lstm, '--input', text, '--out', join(dir, 'a.json'), '--mask', 'layer9:0']);
  assert.equal(site.status, 1);
  assert.match(site.stderr, /layer9/);
  assert.match(site.stderr, /embeddings/);
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const none = grain(['ablate', '--model', lstm, '--input', empty, '--out', join(dir, 'a.json'), '--mask', 'layer1:0']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /empty\.txt/);
});
