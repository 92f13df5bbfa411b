// Reading result files for the reports: clear errors for missing, broken, foreign and truncated
// files; companions found next to a result; neuron locations from the site widths.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { buildPayload, findCompanion } from '../../src/results/companions';
import { readResult } from '../../src/results/read';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'results');
const dir = mkdtempSync(join(tmpdir(), 'grain-report-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fails = (path: string, re: RegExp) =>
  assert.throws(() => readResult(path), (e: unknown) => e instanceof GrainError && re.test(e.message));

test('each fixture reads as its kind', () => {
  const kinds = ['probe-lstm-upos', 'experiments-lstm-upos', 'correlation-lstm', 'ablation-lstm', 'ablation-representation'].map((f) => readResult(join(FIXTURES, `${f}.json`)).kind);
  assert.deepEqual(kinds, ['probe', 'experiments', 'correlation', 'ablation', 'ablation']);
});

test('missing, broken, foreign, future and truncated files give messages that say what is wrong', () => {
  fails(join(dir, 'nope.json'), /nope\.json: file not found/);
  fails(dir, /is a folder, not a file/);
  const probe = readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8');
  fails(write('cut.json', probe.slice(0, 5000)), /cut\.json:\d+: is not valid JSON: the file ends early: is it complete\?/);
  fails(write('broken.json', '{\n  "schema": "grain.probe",\n  "version": 1,\n  oops\n}'), /broken\.json:4: is not valid JSON: unexpected 'o' at column 3/);
  fails(write('other.json', '{"name": "package"}'), /other\.json: not a Grain result/);
  fails(write('future.json', '{"schema": "grain.probe", "version": 7}'), /future\.json: written by a Grain with result version 7; this Grain reads versions 1-2/);
  const p = JSON.parse(probe);
  p.ranking_weights = p.ranking_weights.slice(0, 100);
  fails(write('short.json', JSON.stringify(p)), /short\.json: "ranking_weights" is missing or malformed \(expected a list of 9216\)/);
  const a = JSON.parse(readFileSync(join(FIXTURES, 'ablation-lstm.json'), 'utf8'));
  delete a.baseline;
  fails(write('abl.json', JSON.stringify(a)), /"baseline\.meanNll" is missing/);
});

test('ablation files: version 2 representation results read, broken or mislabelled ones are refused', () => {
  const r = readResult(join(FIXTURES, 'ablation-representation.json'));
  assert.equal(r.kind === 'ablation' && r.result.objective, 'representation');
  const a = JSON.parse(readFileSync(join(FIXTURES, 'ablation-representation.json'), 'utf8'));
  delete a.curve.curves[0].points[2].meanCosine;
  fails(write('repr-cut.json', JSON.stringify(a)), /"curve\.curves\[lca-top\]\.points\[2\]\.meanCosine" is missing/);
  const v1 = JSON.parse(readFileSync(join(FIXTURES, 'ablation-representation.json'), 'utf8'));
  v1.version = 1;
  fails(write('repr-v1.json', JSON.stringify(v1)), /"objective" is missing or malformed \(expected one of causal-lm, masked-lm\)/);
  const lm = JSON.parse(readFileSync(join(FIXTURES, 'ablation-lstm.json'), 'utf8'));
  lm.version = 2;
  lm.metric = { key: 'cosineDistance', name: 'mean 1 - cosine', unit: '', higherIsWorse: true, description: '' };
  fails(write('lm-metric.json', JSON.stringify(lm)), /"metric\.key" is missing or malformed \(expected meanNll\)/);
  fails(write('abl-v3.json', '{"schema": "grain.ablation", "version": 3}'), /written by a Grain with result version 3; this Grain reads versions 1-2/);
});

test('a probe is shown with the experiments of its task, an ablation with the experiments of its lca-top probe', () => {
  const probe = readResult(join(FIXTURES, 'probe-lstm-upos.json'));
  assert.equal(findCompanion(probe)?.path, join(FIXTURES, 'experiments-lstm-upos.json'));
  const experiments = readResult(join(FIXTURES, 'experiments-lstm-upos.json'));
  assert.equal(findCompanion(experiments)?.path, join(FIXTURES, 'probe-lstm-upos.json'));
  assert.equal(findCompanion(experiments, 'ablation')?.path, join(FIXTURES, 'ablation-lstm.json'));
  const ablation = readResult(join(FIXTURES, 'ablation-lstm.json'));
  assert.equal(findCompanion(ablation)?.path, join(FIXTURES, 'experiments-lstm-upos.json'));
  assert.equal(findCompanion(readResult(join(FIXTURES, 'correlation-lstm.json'))), undefined);
});

test('a probe of another task is no companion', () => {
  const sub = join(dir, 'other-task');
  mkdirSync(sub);
  copyFileSync(join(FIXTURES, 'probe-lstm-upos.json'), join(sub, 'probe.json'));
  const x = JSON.parse(readFileSync(join(FIXTURES, 'experiments-lstm-upos.json'), 'utf8'));
  x.data.test = 'another split';
  writeFileSync(join(sub, 'experiments.json'), JSON.stringify(x));
  assert.equal(findCompanion(readResult(join(sub, 'probe.json'))), undefined);
});

test('payloads refuse results that do not make the report', () => {
  const c = readResult(join(FIXTURES, 'correlation-lstm.json'));
  assert.throws(() => buildPayload('ranking', c), /a correlation result cannot be shown as the ranking report/);
  const p = buildPayload('ranking', readResult(join(FIXTURES, 'probe-lstm-upos.json')));
  assert.equal(p.view === 'ranking' && p.probe?.result.ordering[0], 26);
});


test('a file nested far deeper than any result is refused with its line, not a stack overflow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-nested-'));
  try {
    const path = join(dir, 'deep.json');
    writeFileSync(path, '{"schema": "grain.probe", "x":\n' + '['.repeat(200000) + ']'.repeat(200000) + '}');
    assert.throws(() => readResult(path), (e: unknown) => e instanceof GrainError && /deep\.json:2: nested more than 64 levels deep: not a file Grain reads/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
