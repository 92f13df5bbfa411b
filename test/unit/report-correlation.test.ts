// The cross-model correlation report app on the real LSTM seeds' correlation result.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPayload } from '../../src/results/companions';
import { readResult } from '../../src/results/read';
import type { CorrelationResult } from '../../src/shared/results';
import { chartTable } from '../../webview/shared/chart-spec';
import { startCorrelationApp } from '../../webview/report-correlation/app';
import { mountReport } from './report-fake-dom';

const PATH = join(import.meta.dirname, '..', 'fixtures', 'results', 'correlation-lstm.json');
const file = readResult(PATH);
const c = file.result as CorrelationResult;

function opened() {
  const app = mountReport(startCorrelationApp);
  app.send({ type: 'report', report: buildPayload('correlation', file), main: PATH });
  return app;
}

test('per-site MaxCorr summaries and histograms are the first model\'s', () => {
  const app = opened();
  const sites = app.rows('sites');
  assert.deepEqual(sites.map((r) => r[0]), ['embeddings', 'layer1', 'layer2']);
  assert.equal(sites[1]![2], c.perModel[0]!.sites[1]!.meanMaxCorr.toFixed(3));
  assert.equal(sites[1]![2], '0.726');
  const hist = app.charts.find((x) => x.spec.id === 'maxcorr-histogram')!.spec;
  assert.deepEqual(hist.series.map((s) => s.values), c.perModel[0]!.sites.map((s) => s.maxCorrHistogram));
  assert.equal(hist.labels.length, 20);
  assert.deepEqual(app.rows('maxcorr-histogram-table'), chartTable(hist).rows);
  assert.deepEqual(app.rows('maxcorr-histogram-table')[13], ['0.65–0.70', ...c.perModel[0]!.sites.map((s) => String(s.maxCorrHistogram[13]))]);
  const means = app.rows('maxcorr-mean-table');
  assert.deepEqual(means[1], ['layer1', ...c.perModel.map((m) => m.sites[1]!.meanMaxCorr.toFixed(3))]);
});

test('one CKA heat-map table per model pair, sites by sites', () => {
  const app = opened();
  assert.equal(c.cka.length, 3);
  const first = app.rows('cka-0-1');
  assert.deepEqual(first.map((r) => r[0]), ['embeddings', 'layer1', 'layer2']);
  assert.deepEqual(first[0]!.slice(1), c.cka[0]!.cka.slice(0, 3).map((v) => v.toFixed(3)));
  assert.equal(first[0]![1], '0.970');
  assert.ok(app.table('cka-1-2'));
});

test('the top shared neurons table and the model selector', () => {
  const app = opened();
  const shared = app.rows('shared');
  assert.equal(shared.length, c.perModel[0]!.topShared.length);
  assert.deepEqual(shared[0], ['1', '564', 'layer2:52', 'brown-lstm-s2', '705', 'layer2:193', '+0.9890', c.perModel[0]!.maxCorr[564]!.toFixed(4)]);
  assert.equal(shared[1]![6], '−0.9854');
  const select = app.root.withAttr('data-model-select')!;
  select.value = '2';
  select.dispatchEvent(new Event('change'));
  assert.equal(app.state()?.ui?.model, 2);
  assert.equal(app.rows('shared')[0]![1], String(c.perModel[2]!.topShared[0]!.neuron));
  assert.match(app.root.textContent, /Top shared neurons: brown-lstm-s3/);
});
