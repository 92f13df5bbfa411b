// The top-contexts report app: the selected neuron's contexts as keyword-in-context rows with the
// file's numbers (activation, z against the neuron's mean and std), another neuron by typing or
// stepping, the host's selection followed, and a row opening its line by click or keyboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { header, type ContextsResult } from '../../src/shared/results';
import { startContextsApp } from '../../webview/report-contexts/app';
import { mountReport } from './report-fake-dom';

const SENTENCES = [
  ['The', 'jury', 'said', 'it', 'did', 'find', 'that', 'the', 'election', 'was', 'conducted', '.'],
  ['He', 'said', 'so', '.'],
  ['Ierulli', 'will', 'replace', 'Desmond', 'D.', 'Connall', 'who', 'has', 'been', 'called', 'to', 'active', 'military', 'service', '.'],
];

function result(): ContextsResult {
  return {
    ...header('contexts', 'test'),
    model: '/models/brown-lstm-s1',
    input: 'corpus.txt',
    files: ['/data/corpus.txt'],
    settings: { aggregation: 'last', sites: 'layers', top: 2 },
    sites: [
      { name: 'embeddings', kind: 'boundary', width: 2 },
      { name: 'layer1', kind: 'boundary', width: 2 },
    ],
    neurons: 4,
    rows: 31,
    sentenceCount: 3,
    fingerprint: { modelPath: '/models/brown-lstm-s1/model.onnx', modelBytes: 1, modelMtimeMs: 1, files: [{ bytes: 1, mtimeMs: 1 }] },
    sentences: SENTENCES.map((words, i) => ({ file: 0, line: [1, 2, 4][i]!, words })),
    contexts: [
      { neuron: 1, mean: 0.1, std: 0.2, top: { sentence: [0, 1], word: [2, 1], value: [0.9, 0.7] }, bottom: { sentence: [2], word: [13], value: [-0.5] } },
      { neuron: 3, mean: 0, std: 1, top: { sentence: [2], word: [0], value: [2.5] }, bottom: { sentence: [0], word: [11], value: [-1.25] } },
    ],
    timings: { extractSeconds: 1, totalSeconds: 1 },
  };
}

function opened() {
  const app = mountReport(startContextsApp);
  app.send({ type: 'report', report: { view: 'contexts', contexts: { path: '/w/.grain/contexts.json', result: result() } }, main: '/w/.grain/contexts.json' });
  return app;
}

const key = (name: string) => Object.assign(new Event('keydown'), { key: name });

test('the first listed neuron is shown until one is selected: its highest and lowest words in their sentences', () => {
  const app = opened();
  assert.equal(app.root.all('h2')[0]!.textContent, 'neuron 1 (embeddings:1)');
  assert.match(app.root.all('p')[0]!.textContent, /corpus\.txt · 3 sentences · 31 words · last subword · top and bottom 2 of 2 neurons/);
  assert.deepEqual(app.header('top'), ['#', 'Activation', 'z', 'Before', 'Word', 'After', 'Line']);
  // z = (0.9 - 0.1) / 0.2 = +4.00; six words of context each side, "…" where the sentence goes on.
  assert.deepEqual(app.rows('top'), [
    ['1', '0.900', '+4.00', 'The jury', 'said', 'it did find that the election …', 'corpus.txt:1'],
    ['2', '0.700', '+3.00', 'He', 'said', 'so .', 'corpus.txt:2'],
  ]);
  assert.deepEqual(app.rows('bottom'), [['1', '-0.500', '−3.00', '… has been called to active military', 'service', '.', 'corpus.txt:4']]);
  // The word is highlighted as a <mark>.
  assert.equal(app.table('top').all('mark')[0]!.textContent, 'said');
});

test('the host\'s selected neuron is shown; typing another shows it at once and selects it in Grain', () => {
  const app = opened();
  app.send({ type: 'neuronSelected', neuron: 3 });
  assert.equal(app.root.all('h2')[0]!.textContent, 'neuron 3 (layer1:1)');
  assert.deepEqual(app.rows('top')[0], ['1', '2.500', '+2.50', '', 'Ierulli', 'will replace Desmond D. Connall who …', 'corpus.txt:4']);
  const input = app.root.withAttr('data-neuron-input')!;
  assert.equal(input.value, 'layer1:1');
  input.value = 'embeddings:1';
  input.dispatchEvent(key('Enter'));
  assert.equal(app.root.all('h2')[0]!.textContent, 'neuron 1 (embeddings:1)');
  assert.deepEqual(app.posted.at(-1), { type: 'selectNeuron', neuron: 1 });
  assert.equal(app.state()?.ui?.neuron, 1);
  // A neuron the result does not list, and one that does not exist, are explained.
  input.value = '2';
  input.dispatchEvent(key('Enter'));
  assert.match(app.root.withAttr('data-problem')!.textContent, /neuron 2 \(layer1:0\) is not listed in this result \(it lists 2 of 4 neurons\)/);
  input.value = 'layer9:1';
  app.root.withAttr('data-action', 'show')!.click();
  assert.match(app.root.withAttr('data-problem')!.textContent, /no site "layer9"/);
  // Next steps through the listed neurons.
  app.root.withAttr('data-action', 'next')!.click();
  assert.equal(app.root.all('h2')[0]!.textContent, 'neuron 3 (layer1:1)');
  assert.equal(app.root.withAttr('data-problem')!.textContent, '');
});

test('a context opens its file at the line with the word, by click or by Enter', () => {
  const app = opened();
  const rows = app.table('top').all('tbody')[0]!.all('tr');
  rows[1]!.click();
  assert.deepEqual(app.posted.at(-1), { type: 'openSource', file: 0, line: 2, word: 1 });
  rows[0]!.dispatchEvent(key('Enter'));
  assert.deepEqual(app.posted.at(-1), { type: 'openSource', file: 0, line: 1, word: 2 });
  assert.match(rows[0]!.getAttribute('aria-label')!, /said in corpus\.txt line 1, activation 0\.900; Enter opens the line/);
});

test('fewer words of context is a saved choice', () => {
  const app = opened();
  const select = app.root.withAttr('data-context-words')!;
  select.value = '3';
  select.dispatchEvent(new Event('change'));
  assert.deepEqual(app.rows('top')[0]!.slice(3, 6), ['The jury', 'said', 'it did find …']);
  assert.equal(app.state()?.ui?.contextWords, 3);
});
