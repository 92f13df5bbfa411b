// Where descriptions and top contexts are reached from besides the Neurons view: the ranked-neurons
// table (a Description column, filterable), the heat-map view's neuron chips (a contexts button),
// and the short form the hover rows and the Neurons view use.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPayload } from '../../src/results/companions';
import { readResult } from '../../src/results/read';
import { descriptionGist, descriptionsOf } from '../../src/shared/descriptions';
import type { HeatmapData } from '../../src/shared/protocol/heatmap';
import type { ProbeResult } from '../../src/shared/results';
import { startRankingApp } from '../../webview/report-ranking/app';
import { mountReport } from './report-fake-dom';
import { mountHeatmap } from './heatmap-fake';

const PROBE_PATH = join(import.meta.dirname, '..', 'fixtures', 'results', 'probe-lstm-upos.json');

test('the ranked-neurons table has a Description column when the probe describes its neurons, and filters on it', () => {
  const file = readResult(PROBE_PATH);
  const probe = structuredClone(file.result as ProbeResult);
  probe.descriptions = [
    { neuron: 26, label: 'embeddings:26', summary: 'fires on past-tense verbs (VBD 71% of top contexts), top in probe VERB, selective', words: [], contexts: 20, probeClasses: [] },
    { neuron: 44, label: 'embeddings:44', summary: 'fires on "the", "a"', words: [], contexts: 20, probeClasses: [] },
  ];
  const app = mountReport(startRankingApp);
  app.send({ type: 'report', report: buildPayload('ranking', { ...file, result: probe } as typeof file), main: PROBE_PATH });
  assert.equal(app.header('neurons').at(-1), 'Description');
  const rows = app.rows('neurons');
  assert.equal(rows[0]!.at(-1), 'fires on past-tense verbs (VBD 71% of top contexts), top in probe VERB, selective');
  assert.equal(rows[2]!.at(-1), '');
  const filter = app.root.withAttr('data-filter')!;
  filter.value = 'past-tense';
  filter.dispatchEvent(new Event('input'));
  assert.deepEqual(app.rows('neurons').map((r) => r[1]), ['26']);
});

test('a heat-map neuron chip has a contexts button that asks the host for its top contexts', () => {
  const { root, posted, send } = mountHeatmap();
  const data: HeatmapData = {
    file: 'a.txt',
    model: 'brown-lstm-s1',
    subword: false,
    neurons: [{ id: 300, label: 'layer1:44', selected: true, pinned: false }],
    line: [0],
    start: [0],
    text: ['jury'],
    computed: [1],
    values: [[0.5]],
    z: [[1.2]],
    shownLines: 1,
    totalLines: 1,
  };
  send({ type: 'data', data });
  const button = root.all((e) => e.tagName === 'button' && e.className === 'contexts')[0]!;
  assert.equal(button.getAttribute('aria-label'), 'Top contexts of layer1:44');
  button.click();
  assert.deepEqual(posted.at(-1), { type: 'contexts', neuron: 300 });
});

test('the short form of a description is its first clause; commas in brackets do not cut it', () => {
  assert.equal(descriptionGist('fires on verbs and nouns (VERB 38%, NOUN 25% of top contexts), top in probe VERB, selective'), 'fires on verbs and nouns (VERB 38%, NOUN 25% of top contexts)');
  assert.equal(descriptionGist('no evidence'), 'no evidence');
  assert.equal(descriptionsOf(undefined).size, 0);
});
