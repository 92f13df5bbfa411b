// Results are drawn together only when they belong together: an ablation's curves with the
// experiments of the probing task that ordered them, never with any experiments of the same model;
// the report says why when it draws the curves alone.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { belongTogether, buildPayload, findCompanion } from '../../src/results/companions';
import { groupReports } from '../../src/results/static-html';
import { readResult } from '../../src/results/read';
import { startAblationApp } from '../../webview/report-ablation/app';
import { mountReport } from './report-fake-dom';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'results');
const dir = mkdtempSync(join(tmpdir(), 'grain-pairing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A folder with the ablation, its probe, and experiments of the same model on another split. */
function otherTask(): string {
  const sub = join(dir, 'other');
  mkdirSync(sub, { recursive: true });
  copyFileSync(join(FIXTURES, 'probe-lstm-upos.json'), join(sub, 'probe-lstm-upos.json'));
  const a = JSON.parse(readFileSync(join(FIXTURES, 'ablation-lstm.json'), 'utf8'));
  for (const c of a.curve.curves) if (c.source?.endsWith('probe-lstm-upos.json')) c.source = join(sub, 'probe-lstm-upos.json');
  writeFileSync(join(sub, 'ablation.json'), JSON.stringify(a));
  const x = JSON.parse(readFileSync(join(FIXTURES, 'experiments-lstm-upos.json'), 'utf8'));
  x.data.test = 'another dataset (500 sentences)';
  writeFileSync(join(sub, 'experiments.json'), JSON.stringify(x));
  return sub;
}

test('an ablation is drawn with the experiments of its ordering\'s task, and only with those', () => {
  const ablation = readResult(join(FIXTURES, 'ablation-lstm.json'));
  const experiments = readResult(join(FIXTURES, 'experiments-lstm-upos.json'));
  assert.equal(findCompanion(ablation)?.path, experiments.path);
  assert.ok(belongTogether('ablation', ablation, experiments));

  const sub = otherTask();
  const lone = readResult(join(sub, 'ablation.json'));
  const other = readResult(join(sub, 'experiments.json'));
  assert.equal(findCompanion(lone), undefined, 'experiments of the same model but another dataset are no companion');
  assert.equal(findCompanion(other, 'ablation'), undefined);
  assert.ok(!belongTogether('ablation', lone, other));
  // grain report pairs them by the same rule.
  const grouped = groupReports([lone, other]).find((r) => r.message.report.view === 'ablation' && r.message.main === lone.path)!;
  assert.equal(grouped.message.companion, undefined);
});

test('the report says why the curves are drawn alone, and names a file left out', () => {
  const sub = otherTask();
  const lone = readResult(join(sub, 'ablation.json'));
  const other = readResult(join(sub, 'experiments.json'));
  const alone = buildPayload('ablation', lone);
  assert.ok(alone.view === 'ablation' && alone.note?.includes('drawn only from an experiments result of the probing task that ordered these curves (probe-lstm-upos.json)'));
  const refused = buildPayload('ablation', lone, undefined, other);
  assert.ok(refused.view === 'ablation' && refused.note?.startsWith('experiments.json is not drawn: it is of another probing task'));
  const app = mountReport(startAblationApp);
  app.send({ type: 'report', report: refused, main: lone.path });
  assert.match(app.root.withAttr('data-pairing-note')!.textContent, /experiments\.json is not drawn/);
  assert.equal(app.charts.length, 1, 'the loss curves only');
  // With its own experiments there is nothing to explain.
  const together = buildPayload('ablation', readResult(join(FIXTURES, 'ablation-lstm.json')), readResult(join(FIXTURES, 'experiments-lstm-upos.json')));
  assert.ok(together.view === 'ablation' && together.note === undefined);
});
