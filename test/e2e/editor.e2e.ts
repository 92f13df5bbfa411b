// The editor features in a real VS Code: heat-map decorations on a text file, the hover with a
// word's strongest neurons, and the Heat Map view, on brown-lstm-s1 with real numbers.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, TIMEOUTS, useWorkbench } from './harness';
import { Editor, Workbench, waitFor } from './pages/workbench';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runTextActivations } from '../../src/jobs/text-activations';

const NEURON = 300; // layer1:44 of brown-lstm-s1
const SENTENCES = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n').slice(0, 3);
const TEXT = ['The jury said it did find that the election was conducted .', ...SENTENCES].join('\n') + '\n';

let ui: Workbench;

useWorkbench(
  'editor-',
  (ws) => {
    writeFileSync(join(ws, 'brown.txt'), TEXT);
  },
  (s) => {
    ui = new Workbench(s);
  },
  closeCachedModels,
);

test('Show Neuron colours the words of a text file by the neuron', async () => {
  await ui.openFile('brown.txt');
  const pick = await ui.palette.start('Grain: Show Neuron...');
  // No model yet: the command asks for one first, then computes the corpus statistics once.
  const modelRow = pick.row('brown-lstm-s1');
  const asksId = pick.widget.locator('.quick-input-title', { hasText: 'Grain: Show Neuron (' });
  await Promise.race([modelRow.waitFor({ timeout: TIMEOUTS.ui }), asksId.waitFor({ timeout: TIMEOUTS.ui })]);
  if (await modelRow.isVisible()) {
    await pick.type('brown-lstm-s1');
    await pick.accept();
  }
  await pick.titled('Grain: Show Neuron (', 120_000);
  await pick.type(String(NEURON));
  await pick.accept();
  await pick.closed();

  const overlays = await waitFor('heat decorations', () => ui.editor.heatOverlays(), (o) => o.length >= 10);
  await ui.screenshot('editor-01-decorations');
  const colours = new Set(overlays.map((o) => o.color));
  // Stacked layers per word: the bin depth; positive and negative words have different colours.
  const depth = Editor.depths(overlays);
  const depths = new Set(depth.values());
  assert.ok(colours.size >= 2 || depths.size >= 2, `words should differ in colour: colours ${[...colours]}, depths ${[...depths]}`);
  assert.ok(depth.size >= 5, `several words coloured, got ${depth.size}`);

  // An edit is recomputed in the worker: a new line's words get coloured too.
  const words = depth.size;
  await ui.editor.typeAtEnd('The election was held in Atlanta .');
  await waitFor('decorations of the typed line', () => ui.editor.heatOverlays(), (o) => Editor.depths(o).size > words);
});

test('hovering a word shows its strongest neurons, the selected neuron value and links', async () => {
  const expected = await runTextActivations(
    {
      kind: 'text-activations',
      model: join(REPO, 'models', 'brown-lstm-s1'),
      lines: [{ line: 0, text: TEXT.split('\n')[0]! }],
      neurons: [NEURON],
      aggregation: 'average',
      subword: false,
      sites: 'layers',
      batchSize: 32,
      threads: 1,
    },
    { progress() {}, warn() {}, log() {}, signal: new AbortController().signal },
  );
  const jury = expected.text.indexOf('jury');
  const text = await ui.hover.over('jury');
  await ui.screenshot('editor-02-hover');
  assert.match(text, /Grain/);
  assert.match(text, /jury/);
  // The selected neuron by id, site and unit (src/core/neurons.ts: "neuron 300 (layer1:44)").
  assert.match(text, /Selected neuron 300 \(layer1:44\): value /);
  assert.ok(text.includes(`value ${expected.values[jury]!.toFixed(3)}`), `hover value should be ${expected.values[jury]!.toFixed(3)}: ${text}`);
  assert.match(text, /strongest neurons/);
  const rows = text.split('\n').filter((l) => /^neuron \d+ \((embeddings|layer\d):\d+\)/.test(l.trim()));
  assert.ok(rows.length >= 3, `neuron rows in: ${text}`);
  assert.match(text, /show/);
  assert.match(text, /pin/);
  // Pin the strongest neuron: the heat map then shows it next to the selected one.
  await ui.hover.clickLink(/^pin$/);
  await ui.hover.dismiss();
});

test('the Heat Map view shows the file as coloured words, selected and pinned neurons side by side', async () => {
  // The Heat Map is a view of the panel, with the room of the panel's width.
  await ui.palette.run('Grain: Focus on Heat Map View');
  const columns = ui.webview.locator('section.column');
  await waitFor('two heat-map columns', () => columns.count(), (n) => n >= 2);
  const words = await columns.first().locator('.w').allTextContents();
  assert.ok(words.includes('jury') && words.includes('Ierulli'), `words: ${words.slice(0, 20)}`);
  const heads = await ui.webview.locator('section.column h2').allTextContents();
  assert.equal(heads[0], 'layer1:44');
  const colours = await columns.first().locator('.w').evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).backgroundImage))]);
  assert.ok(colours.length >= 3, `coloured words differ: ${colours.length}`);
  await ui.screenshot('editor-03-heatmap-view');

  // Subword pieces: re-run with subword: true.
  await ui.webview.locator('#subword').check();
  await waitFor('subword title', () => ui.webview.locator('.subtitle').first().innerText(), (t) => /subword pieces/.test(t));
  // brown-lstm-s1 has a word vocabulary: a rare word is one piece, <unk>, at the word's place.
  const pieces = await columns.first().locator('.w').allTextContents();
  assert.ok(pieces.includes('<unk>') && pieces.includes('jury'), `pieces: ${pieces.slice(0, 20)}`);
  await ui.screenshot('editor-04-heatmap-subwords');
});
