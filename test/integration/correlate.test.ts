import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';
import type { CorrelationResult } from '../../src/shared/results';

function firstLines(dir: string, n: number): string {
  const file = join(dir, `first-${n}.txt`);
  writeFileSync(file, readFileSync(join(MODELS, 'brown-test-2000.txt'), 'utf8').split('\n').slice(0, n).join('\n') + '\n');
  return file;
}

const lstm = (s: number) => join(MODELS, `brown-lstm-s${s}`);

test('grain correlate over the three LSTM seeds writes MaxCorr/MinCorr per neuron, rankings, per-layer summaries and CKA', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'corr.json');
  const run = grain(['correlate', '--models', [1, 2, 3].map(lstm).join(','), '--input', firstLines(dir, 300), '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as CorrelationResult;
  assert.equal(r.schema, 'grain.correlation');
  assert.equal(r.version, 2);
  assert.deepEqual(nonCamelKeys(r), []);
  assert.equal(r.perModel.length, 3);
  assert.equal(r.neurons, 768);
  for (const m of r.perModel) {
    assert.equal(m.maxCorr.length, 768);
    for (let n = 0; n < 768; n++) {
      assert.ok(m.maxCorr[n] >= m.minCorr[n] - 1e-12 && m.maxCorr[n] <= 1 + 1e-9 && m.minCorr[n] >= 0);
    }
    // The ranking is the neurons by MaxCorr, best first, each once.
    assert.deepEqual([...m.rankingMaxCorr].sort((a, b) => a - b), Array.from({ length: 768 }, (_, i) => i));
    for (let i = 1; i < 768; i++) assert.ok(m.maxCorr[m.rankingMaxCorr[i - 1]] >= m.maxCorr[m.rankingMaxCorr[i]]);
    assert.deepEqual(m.sites.map((s) => s.site), ['embeddings', 'layer1', 'layer2']);
    // Seeds trained alike share neurons: some have near-perfect partners, the mean is far from 0.
    assert.ok(m.maxCorr[m.rankingMaxCorr[0]] > 0.9);
    assert.ok(m.sites.every((s) => s.meanMaxCorr > 0.3 && s.meanMaxCorr < 0.95));
  }
  // CKA of seed 1 vs seed 2: same layers are more alike than different ones on the diagonal's row.
  const cka = r.cka.find((c) => c.modelA === 0 && c.modelB === 1)!;
  assert.deepEqual(cka.sites, ['embeddings', 'layer1', 'layer2']);
  for (let s = 0; s < 3; s++) assert.ok(cka.cka[s * 3 + s] > 0.5, `CKA diagonal ${s}`);
});

test('a model correlated with itself gives MaxCorr 1 for every non-constant neuron', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'self.json');
  const run = grain(['correlate', '--models', `${lstm(1)},${lstm(1)}`, '--input', firstLines(dir, 60), '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8')) as CorrelationResult;
  const constant = new Set(r.perModel[0].constantNeurons);
  for (let n = 0; n < r.neurons; n++) if (!constant.has(n)) assert.ok(Math.abs(r.perModel[0].maxCorr[n] - 1) < 1e-6, `neuron ${n}: ${r.perModel[0].maxCorr[n]}`);
});

test('models with different boundaries are refused, saying which differ', async (t) => {
  const dir = tempDir(t);
  const run = grain(['correlate', '--models', `${lstm(1)},${join(MODELS, 'brown-gpt')}`, '--input', firstLines(dir, 5), '--out', join(dir, 'x.json')]);
  assert.equal(run.status, 1);
  // Refused from the graphs, before anything is extracted.
  assert.match(run.stderr, /brown-lstm-s1 has sites embeddings, layer1, layer2 but brown-gpt has embeddings, layer1, layer2, layer3, layer4/);
});
