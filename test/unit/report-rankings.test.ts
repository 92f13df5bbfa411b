// Rankings by other methods in the ranked-neurons report, on real results of brown-lstm-s1 (Brown
// universal tags, 800 training sentences; test/fixtures/results/rankings): the reader checks their
// fields, companions pair a ranking with the experiments that followed it, agreement is computed
// with the rankings beside it, and the report shows the method, its numbers and the agreement.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { agreementBeside, buildPayload, findCompanion, resultsBeside } from '../../src/results/companions';
import { parseResult, readResult, type AnyResult } from '../../src/results/read';
import { agreementOf, type RankingFile } from '../../src/results/rankings';
import { groupReports } from '../../src/results/static-html';
import type { ReportPayload } from '../../src/shared/protocol/report';
import type { AgreementResult, ExperimentsResult, RankingResult } from '../../src/shared/results';
import { chartTable } from '../../webview/shared/chart-spec';
import { startRankingApp } from '../../webview/report-ranking/app';
import { mountReport } from './report-fake-dom';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'results', 'rankings');
const PROBE = join(import.meta.dirname, '..', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');
const file = (name: string) => readResult(join(DIR, name));
const probeless = file('ranking-probeless-lstm-upos.json') as Extract<AnyResult, { kind: 'ranking' }>;
const gaussian = file('ranking-gaussian-lstm-upos.json') as Extract<AnyResult, { kind: 'ranking' }>;
const clustering = file('ranking-clustering-lstm-upos.json') as Extract<AnyResult, { kind: 'ranking' }>;
const iou = file('ranking-iou-lstm-upos.json') as Extract<AnyResult, { kind: 'ranking' }>;
const experiments = file('experiments-probeless-lstm-upos.json') as Extract<AnyResult, { kind: 'experiments' }>;
const agreementFile = file('agreement-lstm-upos.json') as Extract<AnyResult, { kind: 'agreement' }>;
const probe = readResult(PROBE) as Extract<AnyResult, { kind: 'probe' }>;

const tmp = mkdtempSync(join(tmpdir(), 'grain-report-rankings-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function opened(report: ReportPayload, main = probeless.path) {
  const app = mountReport(startRankingApp);
  app.send({ type: 'report', report, main });
  return app;
}

test('the reader takes the ranking and agreement files and refuses broken ones, naming the field', () => {
  assert.equal(probeless.result.method, 'probeless');
  assert.equal(probeless.result.ordering.length, 768);
  const broken = (patch: (r: Record<string, unknown>) => void, name = 'ranking-probeless-lstm-upos.json') => {
    const raw = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;
    patch(raw);
    return () => parseResult(JSON.stringify(raw), `/x/${name}`);
  };
  const refused = (re: RegExp) => (e: unknown) => e instanceof GrainError && re.test(e.message);
  assert.throws(broken((r) => ((r.ordering as number[])[5] = (r.ordering as number[])[0]!)), refused(/"ordering" is missing or malformed \(expected distinct neuron ids from 0 to 767\)/));
  assert.throws(broken((r) => (r.ordering as number[]).pop()), refused(/"ordering" is missing or malformed \(expected a list of 768\)/));
  assert.throws(broken((r) => (r.scores = [1, 2])), refused(/"scores" .*a list of 768/));
  assert.throws(broken((r) => (r.method = 'tea-leaves')), refused(/"method" .*one of probeless, iou, gaussian, clustering/));
  assert.throws(broken((r) => ((r.perClassTop as Record<string, number[]>).NOUN = [999])), refused(/"perClassTop\.NOUN"/));
  assert.throws(broken((r) => ((r.clustering as { cluster: number[] }).cluster = []), 'ranking-clustering-lstm-upos.json'), refused(/"clustering\.cluster" .*a list of 768/));
  assert.throws(broken((r) => (r.pairs as unknown[]).pop(), 'agreement-lstm-upos.json'), refused(/"pairs" .*a list of 10/));
  assert.throws(broken((r) => (r.version = 1)), refused(/result version 1; this Grain reads version 2/));
});

test('a ranking pairs with the experiments that followed it, and those experiments with it', () => {
  assert.equal(findCompanion(probeless, 'ranking', resultsBeside(probeless.path))?.path, experiments.path);
  assert.equal(findCompanion(experiments, 'ranking', resultsBeside(experiments.path))?.path, probeless.path);
  // The other rankings have no experiments of their own.
  assert.equal(findCompanion(iou, 'ranking', resultsBeside(iou.path)), undefined);
  assert.deepEqual(experiments.result.ranking?.ordering, probeless.result.ordering);
});

test('agreement with the rankings beside it equals the compare-rankings file, and is refused across activations', () => {
  const a = agreementBeside(probeless, [...resultsBeside(probeless.path), probe])!;
  assert.equal(a.rankings.length, 5);
  assert.equal(a.rankings[0]!.method, 'probeless');
  const saved = agreementFile.result;
  // The file ranks probe, probeless, iou, gaussian, clustering; find the probeless-iou pair in both.
  const pairIn = (x: typeof a, m1: string, m2: string) => {
    const i = x.rankings.findIndex((r) => r.method === m1);
    const j = x.rankings.findIndex((r) => r.method === m2);
    return x.pairs.find((p) => (p.a === i && p.b === j) || (p.a === j && p.b === i))!;
  };
  assert.deepEqual(pairIn(a, 'probeless', 'iou').overall, pairIn(saved, 'probeless', 'iou').overall);
  assert.deepEqual(pairIn(a, 'probe', 'clustering').bySite, pairIn(saved, 'probe', 'clustering').bySite);
  // By hand at 10%: the shared part of the first 77 neurons of both orderings.
  const top = (o: number[]) => new Set(o.slice(0, 77));
  const p = top(probeless.result.ordering);
  const i10 = saved.percents.indexOf(10);
  assert.equal(pairIn(saved, 'probeless', 'iou').overall[i10], [...top(iou.result.ordering)].filter((n) => p.has(n)).length / 77);
  assert.equal(saved.chance[i10], 77 / 768);
  // A ranking of other training words is not comparable.
  const other = JSON.parse(readFileSync(iou.path, 'utf8')) as RankingResult;
  other.data.trainSentences = 799;
  const otherPath = join(tmp, 'other.json');
  writeFileSync(otherPath, JSON.stringify(other));
  const otherFile = readResult(otherPath) as RankingFile;
  assert.throws(() => agreementOf([probeless, otherFile]), /other\.json ranks different activations than ranking-probeless-lstm-upos\.json: training data .*\(800 sentences, 17975 words\) vs .*\(799 sentences, 17975 words\)/);
  assert.equal(agreementBeside(probeless, [otherFile]), undefined);
});

test('the report names the method, lists the ranking with its scores and shows the experiments\' retrain figures', () => {
  const report = buildPayload('ranking', probeless, experiments);
  const app = opened(report);
  const h1 = app.root.all('h1')[0]!;
  assert.equal(h1.textContent, 'Ranked neurons: brown-lstm-s1 · Probeless (Antverg & Belinkov 2022)');
  assert.equal(h1.getAttribute('data-method'), 'probeless');
  const rows = app.rows('neurons');
  assert.equal(rows.length, 768);
  assert.deepEqual(rows.slice(0, 5).map((r) => Number(r[1])), probeless.result.ordering.slice(0, 5));
  assert.deepEqual(app.header('neurons'), ['Rank', 'Neuron', 'Site', 'Unit', 'Class-mean difference', 'Top of classes', 'Top words']);
  for (const r of rows.slice(0, 30)) assert.equal(r[4], probeless.result.scores[Number(r[1])]!.toFixed(4));
  // The top neuron is among the top of the classes the file says.
  const first = probeless.result.ordering[0]!;
  const classes = Object.entries(probeless.result.perClassTop!).filter(([, l]) => l.includes(first)).map(([c]) => c);
  assert.ok(classes.length > 0);
  assert.ok(classes.join(', ').startsWith(rows[0]![5]!.replace(/…$/, '')), rows[0]![5]);
  const head = (label: string) => app.root.withAttr('data-headline', label)!.all('dd')[0]!.textContent;
  const row10 = experiments.result.subsets!.rows.find((r) => r.percent === 10)!;
  assert.equal(head('Top 10% retrained'), `${(row10.top * 100).toFixed(2)}% random ${(row10.random * 100).toFixed(2)}%, bottom ${(row10.bottom * 100).toFixed(2)}%`);
  assert.equal(head('Minimal subset'), `${experiments.result.minimal!.count} neurons ${(experiments.result.minimal!.accuracy * 100).toFixed(2)}% accuracy`);
  assert.equal(head('Method'), 'Probeless Antverg & Belinkov 2022');
  const layers = app.charts.find((c) => c.spec.id === 'layers')!.spec;
  assert.deepEqual(layers.series[0]!.values, probeless.result.topBySite);
  assert.equal(layers.series[0]!.name, 'top 10% (77)');
  assert.ok(app.root.withAttr('data-action', 'open-curves'));
  // Each class's top 5% (38 neurons) in the overlap table.
  assert.deepEqual(app.rows('overlap').map((r) => Number(r[1])), probeless.result.classes.map(() => 38));
});

test('clustering shows what is redundant per layer and the probe on the kept neurons; gaussian its information curve', () => {
  const c = clustering.result.clustering!;
  const app = opened(buildPayload('ranking', clustering), clustering.path);
  assert.deepEqual(app.rows('redundancy-table'), c.bySite.map((b) => [b.site, String(b.kept), String(b.redundant)]));
  assert.equal(c.bySite.reduce((n, b) => n + b.kept, 0), c.kept.length);
  const head = (label: string) => app.root.withAttr('data-headline', label)!.all('dd')[0]!.textContent;
  assert.equal(head('Kept neurons'), `${c.kept.length} of 768 ${c.clusters} clusters`);
  assert.equal(head('Probe on kept'), `${(c.keptProbe.accuracy * 100).toFixed(2)}% all neurons ${(c.fullProbe.accuracy * 100).toFixed(2)}%`);
  // The redundant neurons are unscored: their cells are empty.
  const redundant = clustering.result.ordering[c.kept.length]!;
  assert.equal(app.rows('neurons').find((r) => Number(r[1]) === redundant)![4], '–');

  const g = gaussian.result.gaussian!;
  const gapp = opened(buildPayload('ranking', gaussian), gaussian.path);
  const info = gapp.charts.find((x) => x.spec.id === 'information')!.spec;
  assert.deepEqual(info.series[0]!.values, g.steps.map((s) => s.mutualInformation));
  assert.deepEqual(chartTable(info).rows[0], ['1', g.steps[0]!.mutualInformation.toFixed(3), g.entropyBits.toFixed(3)]);
  assert.deepEqual(gapp.rows('neurons').slice(0, 20).map((r) => Number(r[1])), g.steps.map((s) => s.neuron));
  // This file's estimate peaks at 8 neurons (0.915 bits) and falls to 0.616 at 20: the headline
  // calls it an estimate and names the peak, the figure says why, and its axis reaches below 0 only when a step does.
  const ghead = gapp.root.withAttr('data-headline', 'Information estimate')!.all('dd')[0]!.textContent;
  assert.equal(ghead, `${g.steps[19]!.mutualInformation.toFixed(3)} bits of ${g.entropyBits.toFixed(3)}, 20 neurons; highest 0.915 with 8`);
  assert.match(gapp.root.textContent, /The estimate is highest with 8 neurons \(0\.915 bits\)\. Why: the estimate is NeuroX's, on the training words .* \/ \(its words \+ 2 x 768 \+ 4\)/);
  assert.equal(info.yMin, 0);
  const negative = structuredClone(gaussian);
  negative.result.gaussian!.steps[19]!.mutualInformation = -0.25;
  const napp = opened(buildPayload('ranking', negative), gaussian.path);
  assert.equal(napp.charts.find((x) => x.spec.id === 'information')!.spec.yMin, -0.25);
  assert.match(napp.root.textContent, /fall below 0 \(a log-loss worse than the class frequencies alone\)/);
});

test('the agreement chart and its table hold the pairs\' overlaps, overall and per site, against chance', () => {
  const report = buildPayload('ranking', probeless, experiments);
  if (report.view !== 'ranking') throw new Error('not a ranking payload');
  report.agreement = agreementBeside(probeless, [...resultsBeside(probeless.path), probe]);
  const app = opened(report);
  const a = report.agreement!;
  const spec = app.charts.find((c) => c.spec.id === 'agreement')!.spec;
  assert.deepEqual(spec.xs, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(spec.series.length, 11);
  assert.equal(spec.series[0]!.name, 'A–B');
  assert.deepEqual(spec.series[0]!.values, a.pairs[0]!.overall);
  assert.deepEqual(spec.series.at(-1)!.values, a.chance);
  const table = app.rows('agreement-table');
  assert.equal(table.length, 50);
  assert.equal(table[9]![0], '10%');
  assert.equal(table[9]![1], `${(a.pairs[0]!.overall[9]! * 100).toFixed(1)}%`);
  assert.match(app.root.withAttr('data-rankings')!.textContent, /^A: ranking-probeless-lstm-upos\.json \(Probeless \(Antverg & Belinkov 2022\)\)B: /);
  // Within layer2: each pair's own bySite curve.
  const select = app.root.withAttr('data-agreement-site')!;
  select.value = 'layer2';
  select.dispatchEvent(new Event('change'));
  assert.equal(app.state()?.ui?.agreementSite, 'layer2');
  const within = app.charts.find((c) => c.spec.id === 'agreement')!.spec;
  assert.equal(within.title, 'Shared top neurons within layer2');
  assert.deepEqual(within.series[0]!.values, a.pairs[0]!.bySite[2]);
  assert.deepEqual(within.series.at(-1)!.values, a.siteChance[2]);
});

test('an agreement file alone is a report of its own; grain report pairs rankings with their experiments and compares them', () => {
  const app = opened(buildPayload('ranking', agreementFile), agreementFile.path);
  assert.equal(app.root.all('h1')[0]!.textContent, 'Ranking agreement: 5 rankings');
  const saved = agreementFile.result as AgreementResult;
  assert.deepEqual(app.charts.find((c) => c.spec.id === 'agreement')!.spec.series[3]!.values, saved.pairs[3]!.overall);

  const reports = groupReports([probeless, experiments, iou, agreementFile]);
  assert.deepEqual(
    reports.map((r) => [r.message.report.view, r.message.main.split('/').at(-1), r.message.companion?.split('/').at(-1)]),
    [
      ['ranking', 'ranking-probeless-lstm-upos.json', 'experiments-probeless-lstm-upos.json'],
      ['ranking', 'ranking-iou-lstm-upos.json', undefined],
      ['ranking', 'agreement-lstm-upos.json', undefined],
      ['ablation', 'experiments-probeless-lstm-upos.json', undefined],
    ],
  );
  const first = reports[0]!.message.report as Extract<ReportPayload, { view: 'ranking' }>;
  assert.deepEqual(first.agreement?.rankings.map((r) => r.method), ['probeless', 'iou']);
  assert.equal((first.experiments?.result as ExperimentsResult).ranking?.method, 'probeless');
});

test('a ranking copied next to other results is found by its file name', () => {
  // The experiments name the ranking by the path it was given; a copy elsewhere is paired by name.
  const dir = mkdtempSync(join(tmp, 'copy-'));
  for (const f of ['ranking-probeless-lstm-upos.json', 'experiments-probeless-lstm-upos.json']) copyFileSync(join(DIR, f), join(dir, f));
  const copied = readResult(join(dir, 'ranking-probeless-lstm-upos.json'));
  assert.equal(findCompanion(copied)?.path, join(dir, 'experiments-probeless-lstm-upos.json'));
});
