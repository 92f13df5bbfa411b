// The ranked-neurons report app on the real LSTM UPOS probe and experiments results: the numbers it
// shows are the files' numbers, sorting and filtering work, every chart's table has the chart's
// numbers, and picking a neuron tells the host.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPayload } from '../../src/results/companions';
import { readResult } from '../../src/results/read';
import type { ReportPayload } from '../../src/shared/protocol/report';
import type { ExperimentsResult, ClassifierProbeResult } from '../../src/shared/results';
import { chartTable } from '../../webview/shared/chart-spec';
import { startRankingApp } from '../../webview/report-ranking/app';
import { FakeElement, mountReport } from './report-fake-dom';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'results');
const PROBE_PATH = join(FIXTURES, 'probe-lstm-upos.json');
const EXPERIMENTS_PATH = join(FIXTURES, 'experiments-lstm-upos.json');
const probeFile = readResult(PROBE_PATH);
const experimentsFile = readResult(EXPERIMENTS_PATH);
const probe = probeFile.result as ClassifierProbeResult;
const experiments = experimentsFile.result as ExperimentsResult;
const payload = buildPayload('ranking', probeFile, experimentsFile);

function opened(report: ReportPayload = payload) {
  const app = mountReport(startRankingApp);
  app.send({ type: 'report', report, main: PROBE_PATH, companion: EXPERIMENTS_PATH });
  return app;
}

const column = (app: ReturnType<typeof opened>, name: string) => app.header('neurons').indexOf(name);
const siteOf = (n: number) => (n < 256 ? 'embeddings' : n < 512 ? 'layer1' : 'layer2');

test('the app says ready and shows a placeholder until the host answers', () => {
  const app = mountReport(startRankingApp);
  assert.deepEqual(app.posted, [{ type: 'ready' }]);
  assert.match(app.root.textContent, /Waiting for a result file/);
});

test('headline numbers are the probe result\'s test accuracy, baseline, macro-F1 and selectivity', () => {
  const app = opened();
  const head = (label: string) => app.root.withAttr('data-headline', label)!.all('dd')[0]!.textContent;
  assert.equal(head('Test accuracy'), `${(probe.test.accuracy * 100).toFixed(2)}% of 6,404 words`);
  assert.equal(head('Test accuracy').slice(0, 6), '93.43%');
  assert.equal(head('Majority baseline'), '30.36% (NOUN)');
  assert.equal(head('Macro-F1'), '91.26%');
  assert.equal(head('Control selectivity'), '29.78% control task 63.65%');
  assert.equal(head('Minimal subset'), `${experiments.minimal!.count} neurons ${(experiments.minimal!.accuracy * 100).toFixed(2)}% accuracy`);
  assert.deepEqual({ ...app.state() }, { view: 'ranking', path: PROBE_PATH, companion: EXPERIMENTS_PATH });
});

test('the table lists every neuron in the probe\'s ranking order with its site, unit and weights', () => {
  const app = opened();
  const rows = app.rows('neurons');
  assert.equal(rows.length, 768);
  assert.deepEqual(rows.slice(0, 5).map((r) => Number(r[1])), probe.ordering.slice(0, 5));
  assert.deepEqual(rows.slice(0, 5).map((r) => Number(r[1])), [26, 44, 113, 149, 176]);
  assert.deepEqual(app.header('neurons'), ['Rank', 'Neuron', 'Site', 'Unit', 'Weight (class “.”)', 'max |w|', 'Strongest classes', 'Top words']);
  for (const r of rows.slice(0, 50)) {
    const n = Number(r[1]);
    assert.equal(r[2], siteOf(n));
    assert.equal(Number(r[3]), n % 256);
    const w = probe.rankingWeights.filter((_, i) => i % 768 === n);
    assert.equal(Number(r[5]), Number(Math.max(...w.map(Math.abs)).toFixed(4)));
  }
  // Neuron 26 (rank 1) is the VERB neuron of perClassTop; its top words come from the probe.
  assert.match(rows[0]![6]!, /^VERB /);
  assert.match(rows[0]![7]!, /^purchasing, kind, Rico/);
});

test('sorting: header buttons sort numbers largest first, then the other way, and remember it', () => {
  const app = opened();
  const button = (name: string) => app.table('neurons').all('th')[column(app, name)]!.all('button')[0]!;
  button('Neuron').click();
  let ids = app.rows('neurons').map((r) => Number(r[1]));
  assert.deepEqual(ids.slice(0, 3), [767, 766, 765]);
  assert.equal(app.table('neurons').all('th')[1]!.getAttribute('aria-sort'), 'descending');
  button('Neuron').click();
  ids = app.rows('neurons').map((r) => Number(r[1]));
  assert.deepEqual(ids.slice(0, 3), [0, 1, 2]);
  assert.deepEqual(app.state()?.ui?.sort, { column: 'neuron', descending: false });
  button('max |w|').click();
  const maxAbs = app.rows('neurons').map((r) => Number(r[5]));
  assert.deepEqual(maxAbs, [...maxAbs].sort((a, b) => b - a));
  button('Site').click();
  const sites = app.rows('neurons').map((r) => r[2]);
  assert.equal(sites[0], 'embeddings');
  assert.equal(sites.at(-1), 'layer2');
});

test('filtering by site, neuron id, site:unit and top word', () => {
  const app = opened();
  const input = app.root.withAttr('data-filter')!;
  const filter = (q: string) => {
    input.value = q;
    input.dispatchEvent(new Event('input'));
    return app.rows('neurons');
  };
  const layer2 = filter('layer2');
  assert.equal(layer2.length, 256);
  assert.ok(layer2.every((r) => r[2] === 'layer2'));
  assert.match(app.root.withAttr('data-count')!.textContent, /256 of 768 neurons/);
  assert.deepEqual(filter('26').map((r) => r[1]), ['26']);
  assert.deepEqual(filter('layer1:37').map((r) => r[1]), ['293']);
  assert.ok(filter('purchasing').some((r) => r[1] === '26'));
  assert.equal(filter('no-such-word').length, 0);
  assert.equal(app.state()?.ui?.filter, 'no-such-word');
  assert.equal(filter('').length, 768);
});

test('the class selector switches the weight column to that class\'s ranking weights', () => {
  const app = opened();
  const select = app.root.withAttr('data-class-select')!;
  const verb = probe.classes.indexOf('VERB');
  select.value = String(verb);
  select.dispatchEvent(new Event('change'));
  assert.equal(app.header('neurons')[4], 'Weight (class “VERB”)');
  for (const r of app.rows('neurons').slice(0, 20)) {
    const w = probe.rankingWeights[verb * 768 + Number(r[1])]!;
    assert.equal(Number(r[4].replace('−', '-')), Number(w.toFixed(4)));
  }
  assert.equal(app.state()?.ui?.classIndex, verb);
});

test('every chart has a table with the same numbers; the layer chart counts the top neurons per site', () => {
  const app = opened();
  const ids = app.charts.map((c) => c.spec.id);
  assert.deepEqual(ids, ['layers', 'layerwise', 'per-class', 'class-accuracy']);
  for (const c of app.charts) {
    const { header, rows } = chartTable(c.spec);
    const fig = app.figure(c.spec.id);
    const table = fig.all('table')[0]!;
    const cells = table.all('tbody')[0]!.all('tr').map((tr) => tr.all('td').map((td) => td.textContent));
    assert.deepEqual(cells, rows, c.spec.id);
    assert.deepEqual(table.all('th').map((th) => th.textContent), header);
  }
  const layers = app.charts.find((c) => c.spec.id === 'layers')!.spec;
  assert.deepEqual(layers.labels, ['embeddings', 'layer1', 'layer2']);
  assert.deepEqual(layers.series[0]!.values, probe.topBySite);
  assert.deepEqual(app.rows('layers-table'), [
    ['embeddings', '238', String(countIn(experiments.minimal!.neurons, 0))],
    ['layer1', '235', String(countIn(experiments.minimal!.neurons, 1))],
    ['layer2', '227', String(countIn(experiments.minimal!.neurons, 2))],
  ]);
  const perClass = app.rows('per-class-table');
  assert.deepEqual(perClass[0]!.slice(0, 4), ['.', '175', '454', '606']);
  assert.equal(Number(perClass[0]![0] === '.' && perClass[0]![1]), probe.perClassTop['.']!.length);
  const layerwise = app.rows('layerwise-table');
  assert.deepEqual(layerwise.at(-1), ['all layers', '93.43%']);
  assert.equal(layerwise[0]![1], `${(experiments.layerwise!.sites[0]!.accuracy * 100).toFixed(2)}%`);
});

function countIn(ids: number[], site: number): number {
  return ids.filter((n) => Math.floor(n / 256) === site).length;
}

test('Show table swaps chart and table, is remembered, and survives a redraw', () => {
  const app = opened();
  const fig = app.figure('layers');
  const toggle = fig.withAttr('data-toggle', 'layers')!;
  const canvas = fig.all('canvas')[0]!;
  const table = fig.all('table')[0]!;
  assert.equal(canvas.isHidden, false);
  assert.equal(table.isHidden, true);
  assert.equal(toggle.textContent, 'Show table');
  toggle.click();
  assert.equal(canvas.isHidden, true);
  assert.equal(table.isHidden, false);
  assert.equal(toggle.getAttribute('aria-pressed'), 'true');
  assert.deepEqual(app.state()?.ui?.tables, ['layers']);
  // The same page drawn again (the host re-sends after a reveal) keeps the table shown.
  app.send({ type: 'report', report: payload, main: PROBE_PATH, companion: EXPERIMENTS_PATH });
  assert.equal(app.figure('layers').all('canvas')[0]!.isHidden, true);
});

test('the class-overlap matrix is the experiments\' Jaccard matrix, shaded by overlap', () => {
  const app = opened();
  const rows = app.rows('overlap');
  const x = experiments.exclusivity!;
  assert.equal(rows.length, 12);
  assert.deepEqual(app.header('overlap').slice(0, 4), ['Class', 'Top neurons', 'Exclusive', '.']);
  for (let i = 0; i < 12; i++) {
    assert.equal(rows[i]![0], x.classNames[i]);
    assert.equal(Number(rows[i]![1]), x.perClass[i]!.top);
    assert.equal(Number(rows[i]![2]), x.perClass[i]!.exclusive);
    assert.deepEqual(rows[i]!.slice(3).map(Number), x.jaccard[i]!.map((v) => Number(v.toFixed(2))));
  }
  const cell = app.table('overlap').all('tbody')[0]!.all('tr')[0]!.all('td')[4]!;
  assert.match(cell.style.background!, /color-mix\(in srgb, var\(--vscode-charts-blue\) \d+%, transparent\)/);
});

test('without experiments the overlap is computed from the probe\'s per-class top neurons', () => {
  const app = opened(buildPayload('ranking', probeFile));
  const rows = app.rows('overlap');
  assert.deepEqual(rows.map((r) => Number(r[1])), probe.classes.map((c) => probe.perClassTop[c]!.length));
  // The experiments used the same probe settings, so the matrices agree.
  assert.deepEqual(rows[1]!.slice(3).map(Number), experiments.exclusivity!.jaccard[1]!.map((v) => Number(v.toFixed(2))));
  assert.equal(app.root.withAttr('data-action', 'open-curves'), undefined);
});

test('an experiments result alone gives the ordering table and the experiments\' figures', () => {
  const app = mountReport(startRankingApp);
  app.send({ type: 'report', report: buildPayload('ranking', experimentsFile), main: EXPERIMENTS_PATH });
  assert.deepEqual(app.header('neurons'), ['Rank', 'Neuron', 'Site', 'Unit', 'Top words']);
  assert.deepEqual(app.rows('neurons').slice(0, 3).map((r) => Number(r[1])), experiments.full.ordering.slice(0, 3));
  assert.match(app.root.withAttr('data-headline', 'Test accuracy')!.textContent, /93\.43%/);
});

test('clicking or pressing Enter on a row selects the neuron; the host\'s selection is highlighted', () => {
  const app = opened();
  const tr = (n: number) => app.table('neurons').all('tbody')[0]!.all((e) => e.tagName === 'tr' && e.getAttribute('data-key') === String(n))[0]!;
  tr(44).click();
  assert.deepEqual(app.posted.at(-1), { type: 'selectNeuron', neuron: 44 });
  assert.equal(tr(44).className, 'selected');
  const enter = new Event('keydown') as Event & { key: string };
  Object.defineProperty(enter, 'key', { value: 'Enter' });
  tr(113).dispatchEvent(enter);
  assert.deepEqual(app.posted.at(-1), { type: 'selectNeuron', neuron: 113 });
  app.send({ type: 'neuronSelected', neuron: 149 });
  assert.equal(tr(149).className, 'selected');
  assert.equal(tr(113).className, '');
  assert.equal(tr(149).getAttribute('tabindex'), '0');
});

test('the curves button asks the host for the ablation report of the experiments file', () => {
  const app = opened();
  app.root.withAttr('data-action', 'open-curves')!.click();
  assert.deepEqual(app.posted.at(-1), { type: 'openReport', view: 'ablation', path: EXPERIMENTS_PATH });
});

test('a host error is shown in the panel with the file, and the file is kept for a restore', () => {
  const app = mountReport(startRankingApp);
  app.send({ type: 'error', view: 'ranking', path: '/ws/.grain/gone.json', message: 'gone.json: cannot read the result: the file does not exist' });
  const alert = app.root.all((e) => e.getAttribute('role') === 'alert')[0]!;
  assert.match(alert.textContent, /Cannot show gone\.json.*the file does not exist/);
  assert.equal(app.state()?.path, '/ws/.grain/gone.json');
  assert.equal(app.charts.length, 0);
});

test('a restored panel names its file at once and gets its filter, class and sort back', () => {
  const app = mountReport(startRankingApp, { view: 'ranking', path: PROBE_PATH, ui: { filter: 'layer1', classIndex: 10, sort: { column: 'weight', descending: true } } });
  assert.match(app.root.textContent, /Reading probe-lstm-upos\.json/);
  app.send({ type: 'report', report: payload, main: PROBE_PATH, companion: EXPERIMENTS_PATH });
  const rows = app.rows('neurons');
  assert.equal(rows.length, 256);
  assert.equal(app.header('neurons')[4], 'Weight (class “VERB”)');
  const w = rows.map((r) => Number(r[4].replace('−', '-')));
  assert.deepEqual(w, [...w].sort((a, b) => b - a));
});

test('a theme change redraws the charts with the new palette, without rebuilding the page', () => {
  const app = opened();
  const before = app.charts.length;
  app.themeChanged();
  assert.equal(app.charts.length, before);
  assert.ok(app.charts.every((c) => c.updates === 1));
  assert.ok(app.root.all('canvas').every((c: FakeElement) => c.getAttribute('role') === 'img'));
});

test('the table\'s caption says how neurons are ordered inside NeuroX\'s chunks: a file from before the setting is by id, as NeuroX', () => {
  // The fixture predates settings.neuronOrder; its first chunk is in ascending id (26, 44, 113, ...).
  assert.equal(probe.settings.neuronOrder, undefined);
  assert.match(opened().root.textContent, /inside a chunk, ascending neuron id, as NeuroX orders them/);
  const loaded = (payload as Extract<ReportPayload, { view: 'ranking' }>).probe!;
  const byMass: ReportPayload = { ...payload, view: 'ranking', probe: { ...loaded, result: { ...probe, settings: { ...probe.settings, neuronOrder: 'mass' } } } };
  const text = opened(byMass).root.textContent;
  assert.match(text, /inside a chunk, the neuron that enters at the smallest share of a class's weight mass first \(grain probe --neurox-order keeps NeuroX's sequence\)/);
  assert.doesNotMatch(text, /ascending neuron id/);
});

test('test words the accuracy leaves out are explained in the report, not only in the log', () => {
  assert.equal(opened().root.withAttr('data-scoring-note'), undefined, 'nothing to explain in the fixture');
  const odd: ClassifierProbeResult = {
    ...probe,
    data: { ...probe.data, testWords: 32, unseenTest: [{ label: 'INTJ', count: 1 }], classFilter: { ...probe.data.classFilter, dropped: [{ label: 'SYM', count: 1 }] } },
    test: { ...probe.test, rows: 31 },
  };
  const app = opened(buildPayload('ranking', { ...probeFile, result: odd } as typeof probeFile));
  assert.match(app.root.withAttr('data-headline', 'Test accuracy')!.textContent, /of 31 words/);
  assert.equal(
    app.root.withAttr('data-scoring-note')!.textContent,
    '1 test word is not scored: its label INTJ (1) never occurs in the training words, so the probe cannot predict it. Classes seen too rarely in training were left out: SYM (1).',
  );
});
