// Probe results of the other NeuroX tasks (test/fixtures/results/tasks): a regression probe on word
// length and a balanced noun concept scored by F1. The reader takes them and refuses broken ones;
// the ranked-neurons report's header shows the metric (or the correlations) from the files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { buildPayload } from '../../src/results/companions';
import { readResult } from '../../src/results/read';
import { probeSummary, wordClassifierProblem, type ClassifierProbeResult, type RegressionProbeResult } from '../../src/shared/results';
import { startRankingApp } from '../../webview/report-ranking/app';
import { mountReport } from './report-fake-dom';
import { nonCamelKeys } from '../helpers/result-keys';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'results', 'tasks');
const REGRESSION = join(DIR, 'probe-lstm-word-length.json');
const CONCEPT = join(DIR, 'probe-lstm-nouns.json');
const tmp = mkdtempSync(join(tmpdir(), 'grain-report-tasks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function open(path: string) {
  const app = mountReport(startRankingApp);
  app.send({ type: 'report', report: buildPayload('ranking', readResult(path)), main: path });
  return { app, head: (label: string) => app.root.withAttr('data-headline', label)?.all('dd')[0]!.textContent };
}

test('a regression probe result reads, camelCase throughout, its one weight row ranked', () => {
  const r = readResult(REGRESSION).result as RegressionProbeResult;
  assert.equal(r.task, 'regression');
  assert.deepEqual(r.classes, ['target']);
  assert.deepEqual(nonCamelKeys(r), []);
  assert.equal(r.weights.length, r.neurons);
  assert.equal(r.settings.metric, 'pearson_and_spearman');
  const m = r.test.metrics;
  assert.equal(r.test.score, (m.pearson! + m.spearman!) / 2);
  assert.ok(m.pearson! > 0.8 && m.mse < r.test.meanBaselineMse / 3, `word length: r ${m.pearson}, MSE ${m.mse} vs ${r.test.meanBaselineMse}`);
  // The ordering ranks |weight x std| of the single row, largest first (within NeuroX's 1% chunks).
  const w = (n: number) => Math.abs(r.rankingWeights[n]);
  assert.ok(w(r.ordering[0]) >= w(r.ordering[r.ordering.length - 1]));
  assert.ok(r.ordering.slice(0, 10).every((n) => w(n) >= w(r.ordering[100])));
  assert.equal(wordClassifierProblem(r), 'this is a regression probe (real-valued targets)');
  assert.match(probeSummary(r), /^test Pearson r 0\.830, Spearman rho 0\.901, MSE 2\.817 \(predicting the mean: 9\.052\)$/);
});

test("a balanced concept probe scored by F1: the metrics agree with the file's confusion matrix", () => {
  const r = readResult(CONCEPT).result as ClassifierProbeResult;
  assert.deepEqual(r.classes, ['negative', 'positive']);
  assert.equal(r.settings.metric, 'f1');
  assert.equal(r.settings.controlSampling, 'uniform');
  assert.equal(r.settings.controlCaseSensitive, false);
  assert.deepEqual(r.data.balance!.trainAfter, [3317, 3317]);
  assert.equal(r.test.majorityBaseline, 0.5);
  const [[tn, fp], [fn, tp]] = r.test.confusion;
  const f1 = (2 * tp) / (2 * tp + fp + fn);
  assert.equal(r.test.metrics!.positiveClass, 'positive');
  assert.equal(r.test.metrics!.f1Average, 'binary');
  assert.ok(Math.abs(r.test.score! - f1) < 1e-15);
  const mcc = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  assert.ok(Math.abs(r.test.metrics!.matthewsCorrcoef - mcc) < 1e-12);
  assert.ok(Math.abs(r.test.metrics!.accuracyAndF1 - (r.test.accuracy + f1) / 2) < 1e-15);
  // Selectivity is in the probe's metric: task F1 minus control-task F1.
  assert.equal(r.control!.taskAccuracy, r.test.score);
  assert.match(probeSummary(r), /^test accuracy 92\.78% \(majority baseline 50\.00%\), F1 0\.930$/);
});

test("the report's header names the metric and the task; a regression probe shows its correlations, not accuracies", () => {
  const concept = open(CONCEPT);
  assert.equal(concept.head('Test F1'), '93.01% NeuroX metric f1 (F1 binary of positive)');
  assert.equal(concept.head('Test accuracy'), '92.78% of 1,898 words');
  assert.match(concept.app.root.withAttr('data-task', '')!.textContent, /^Concept: words labelled nn, nn\$, nns, nns\$ \(3,317 of 14,032 training words\) · balanced \(train 3,317 \/ 3,317, test 949 \/ 949\)$/);
  const reg = open(REGRESSION);
  assert.equal(reg.head('Test Pearson r'), '0.830 of 2,184 words');
  assert.equal(reg.head('Test Spearman rho'), '0.901');
  assert.equal(reg.head('Test MSE'), '2.817 predicting the mean: 9.052');
  assert.equal(reg.head('Test (Pearson + Spearman) / 2'), '0.865 NeuroX metric pearson_and_spearman');
  assert.equal(reg.head('Test accuracy'), undefined);
  assert.equal(reg.head('Majority baseline'), undefined);
  assert.match(reg.app.root.withAttr('data-task', '')!.textContent, /^Linear regression on real-valued targets$/);
  assert.equal(reg.app.rows('neurons').length, 768);
});

test('broken regression results are refused naming the field', () => {
  const r = JSON.parse(readFileSync(REGRESSION, 'utf8'));
  delete r.test.metrics.mse;
  const p = join(tmp, 'cut.json');
  writeFileSync(p, JSON.stringify(r));
  assert.throws(() => readResult(p), (e: unknown) => e instanceof GrainError && /"test\.metrics\.mse" is missing or malformed/.test(e.message));
  const two = JSON.parse(readFileSync(REGRESSION, 'utf8'));
  two.classes = ['a', 'b'];
  writeFileSync(p, JSON.stringify(two));
  assert.throws(() => readResult(p), /"classes" is missing or malformed \(expected a list of 1\)/);
  const odd = JSON.parse(readFileSync(CONCEPT, 'utf8'));
  odd.task = 'ranking';
  writeFileSync(p, JSON.stringify(odd));
  assert.throws(() => readResult(p), /"task" is missing or malformed/);
});
