// The ablation report app on the real LSTM ablation and experiments results: loss curves per
// ordering (mean NLL or perplexity, random with its spread), the fixed masks, and the probe
// accuracies of the top/random/bottom subsets, each chart with a table of the same numbers. And on
// a representation run (brown-bert with its LM head cut off: no loss, the change of layer4).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPayload } from '../../src/results/companions';
import { readResult } from '../../src/results/read';
import type { AblationResult, ExperimentsResult, RepresentationAblationResult } from '../../src/shared/results';
import { chartTable } from '../../webview/shared/chart-spec';
import { startAblationApp } from '../../webview/report-ablation/app';
import { mountReport } from './report-fake-dom';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'results');
const ABLATION_PATH = join(FIXTURES, 'ablation-lstm.json');
const EXPERIMENTS_PATH = join(FIXTURES, 'experiments-lstm-upos.json');
const ablationFile = readResult(ABLATION_PATH);
const experimentsFile = readResult(EXPERIMENTS_PATH);
const ablation = ablationFile.result as AblationResult;
const REPRESENTATION_PATH = join(FIXTURES, 'ablation-representation.json');
const representationFile = readResult(REPRESENTATION_PATH);
const representation = representationFile.result as RepresentationAblationResult;
const experiments = experimentsFile.result as ExperimentsResult;

function opened(withExperiments = true) {
  const app = mountReport(startAblationApp);
  app.send({ type: 'report', report: buildPayload('ablation', ablationFile, withExperiments ? experimentsFile : undefined), main: ABLATION_PATH });
  return app;
}

test('the loss chart has one curve per ordering with the file\'s mean NLL, and the baseline', () => {
  const app = opened();
  const loss = app.charts.find((c) => c.spec.id === 'loss')!.spec;
  assert.deepEqual(loss.xs, ablation.curve!.percents);
  assert.deepEqual(loss.series.map((s) => s.name), ['LCA top', 'LCA bottom', 'CCA top', 'random', 'baseline']);
  for (const c of ablation.curve!.curves) {
    const s = loss.series[ablation.curve!.curves.indexOf(c)]!;
    assert.deepEqual(s.values, c.points.map((p) => p.meanNll));
  }
  const random = loss.series[3]!;
  const points = ablation.curve!.curves.find((c) => c.name === 'random')!.points;
  assert.deepEqual(random.band!.low, points.map((p) => p.meanNll - p.std!));
  assert.deepEqual(random.band!.high, points.map((p) => p.meanNll + p.std!));
  assert.ok(loss.series[4]!.values.every((v) => v === ablation.baseline.meanNll));
  // The table fallback: one row per percentage, the same numbers at 4 decimals.
  const rows = app.rows('loss-table');
  assert.deepEqual(rows, chartTable(loss).rows);
  assert.deepEqual(rows[5]!.slice(0, 3), ['50.0% (384)', '6.1382', '6.7992']);
  assert.equal(rows[1]![0], '10.0% (77)');
  assert.match(app.root.withAttr('data-headline', 'Baseline mean NLL')!.textContent, /4\.7246/);
  assert.match(app.root.withAttr('data-headline', 'Baseline perplexity')!.textContent, /112\.69/);
});

test('the perplexity toggle redraws the curves as perplexity, with the random band in perplexity', () => {
  const app = opened();
  const box = app.root.withAttr('data-perplexity')!;
  box.checked = true;
  box.dispatchEvent(new Event('change'));
  assert.equal(app.state()?.ui?.perplexity, true);
  const loss = app.charts.find((c) => c.spec.id === 'loss')!.spec;
  assert.equal(loss.yLabel, 'Perplexity');
  assert.deepEqual(loss.series[0]!.values, ablation.curve!.curves[0]!.points.map((p) => p.perplexity));
  const rows = app.rows('loss-table');
  assert.equal(rows[5]![1], '463.20');
  const p = ablation.curve!.curves[3]!.points[3]!;
  assert.equal(rows[3]![rows[3]!.length - 3], Math.exp(p.meanNll - p.std!).toFixed(2));
});

test('probe accuracies of the top/random/bottom subsets and zero-out come from the experiments', () => {
  const app = opened();
  assert.deepEqual(app.charts.map((c) => c.spec.id), ['loss', 'retrain', 'zero-out']);
  const retrain = app.rows('retrain-table');
  assert.deepEqual(retrain.map((r) => r[0]), experiments.subsets!.rows.map((r) => `${r.percent}% (${r.count})`));
  assert.deepEqual(retrain[0], ['10% (77)', '91.44%', '90.85%', '88.52%', '93.43%']);
  const zero = app.rows('zero-out-table');
  const z = experiments.zeroOut!.rows[0]!;
  assert.deepEqual(zero[0]!.slice(1, 4), [z.top, z.random, z.bottom].map((v) => `${(v * 100).toFixed(2)}%`));
  assert.equal(zero[0]![1], '32.93%');
});

test('the fixed masks table lists each mask with its loss change', () => {
  const app = opened(false);
  assert.deepEqual(app.rows('masks'), [['layer1:0-49', '50', '4.7518', '+0.0272', '115.79', '4718']]);
  assert.deepEqual(app.charts.map((c) => c.spec.id), ['loss']);
});

test('an experiments result alone shows the accuracy curves', () => {
  const app = mountReport(startAblationApp);
  app.send({ type: 'report', report: buildPayload('ablation', experimentsFile), main: EXPERIMENTS_PATH });
  assert.deepEqual(app.charts.map((c) => c.spec.id), ['retrain', 'zero-out']);
  assert.match(app.root.textContent, /No ablation result/);
});

test('a version 1 file is read as the LM result it is: its metric is mean NLL in nats', () => {
  assert.equal((JSON.parse(readFileSync(ABLATION_PATH, 'utf8')) as { version: number }).version, 1);
  assert.equal(ablation.version, 2);
  assert.equal(ablation.objective, 'causal-lm');
  assert.deepEqual([ablation.metric.key, ablation.metric.name, ablation.metric.unit, ablation.metric.higherIsWorse], ['meanNll', 'mean NLL', 'nats', true]);
});

function openedRepresentation() {
  const app = mountReport(startAblationApp);
  app.send({ type: 'report', report: buildPayload('ablation', representationFile), main: REPRESENTATION_PATH });
  return app;
}

test('a representation run draws mean 1 - cosine of the compared site, with the random spread and a baseline of 0', () => {
  assert.equal(representation.version, 2);
  assert.equal(representation.metric.key, 'cosineDistance');
  const app = openedRepresentation();
  assert.deepEqual(app.charts.map((c) => c.spec.id), ['change']);
  const change = app.charts[0]!.spec;
  assert.equal(change.title, 'Mean 1 - cosine of layer4 vs neurons ablated');
  assert.equal(change.yLabel, 'Mean 1 - cosine at layer4');
  assert.equal(change.xLabel, '% of neurons zeroed');
  assert.deepEqual(change.series.map((s) => s.name), ['LCA top', 'LCA bottom', 'random', 'baseline']);
  representation.curve!.curves.forEach((c, i) => assert.deepEqual(change.series[i]!.values, c.points.map((p) => p.cosineDistance)));
  const random = representation.curve!.curves[2]!.points;
  assert.deepEqual(change.series[2]!.band!.low, random.map((p) => p.cosineDistance - p.std!));
  assert.deepEqual(change.series[3]!.values, [0, 0, 0, 0, 0, 0]);
  const rows = app.rows('change-table');
  assert.deepEqual(rows, chartTable(change).rows);
  assert.deepEqual(rows[5]!.slice(0, 3), ['50.0% (640)', '0.7987', '0.7515']);
  assert.deepEqual(rows[0]!.slice(0, 3), ['0.0% (0)', '0.000', '0.000']);
  // No loss anywhere: the headline names the compared site and the positions.
  assert.equal(app.root.withAttr('data-headline', 'Baseline mean NLL'), undefined);
  assert.match(app.root.withAttr('data-headline', 'Compared site')!.textContent, /layer4.*256 units/);
  assert.match(app.root.withAttr('data-headline', 'Token positions')!.textContent, /7,138/);
  const why = app.root.withAttr('data-objective', 'representation')!.textContent;
  assert.match(why, /No LM loss: none of the model's outputs is LM logits: its outputs are last_hidden_state \(width 256\)/);
  assert.match(why, /Zeroing units of layer4 itself moves it directly/);
});

test('the representation toggle redraws the curves as mean squared change, and the masks table has the representation columns', () => {
  const app = openedRepresentation();
  const box = app.root.withAttr('data-squared-change')!;
  box.checked = true;
  box.dispatchEvent(new Event('change'));
  assert.equal(app.state()?.ui?.squaredChange, true);
  const change = app.charts.find((c) => c.spec.id === 'change')!.spec;
  assert.equal(change.yLabel, 'Mean squared change at layer4');
  assert.deepEqual(change.series[0]!.values, representation.curve!.curves[0]!.points.map((p) => p.meanSquaredChange));
  assert.equal(change.series[2]!.band, undefined);
  assert.deepEqual(app.rows('change-table')[5]!.slice(0, 3), ['50.0% (640)', '1.097', '1.017']);
  assert.deepEqual(app.rows('masks'), [
    ['layer1:0-49', '50', '0.1345', '0.9230', '0.07705', '7138'],
    ['layer4:0-49', '50', '0.1699', '0.8970', '0.1030', '7138'],
  ]);
});
