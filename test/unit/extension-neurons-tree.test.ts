// The Neurons view in the `vscode` stand-in, on the real probe result of brown-lstm-s1
// (test/fixtures/results/v2/probe-lstm-upos.json): top neurons, by class, by layer, and clicking a
// row selects its neuron everywhere (state, status bar, the row itself).
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, type StandInContext } from '../helpers/vscode/context';
import { row, rowsOf, texts, type Row } from '../helpers/vscode/tree';
import { TreeItemCollapsibleState } from '../helpers/vscode/types';
import { activate, type GrainServices } from '../../src/extension/extension';
import type { NeuronNode } from '../../src/extension/tree/neurons-tree';

const PROBE = join(REPO, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');
// The file as written, read here without Grain's reader: the numbers the view must show.
const raw = JSON.parse(readFileSync(PROBE, 'utf8')) as {
  ordering: number[];
  classes: string[];
  perClassTop: Record<string, number[]>;
  sites: { name: string; width: number }[];
  test: { accuracy: number };
  topWords: { neuron: number; words: string[] }[];
};
/** "layer1:44" for neuron 300: sites of 256 units, in order. */
function where(id: number): string {
  let offset = 0;
  for (const s of raw.sites) {
    if (id < offset + s.width) return `${s.name}:${id - offset}`;
    offset += s.width;
  }
  throw new Error(`neuron ${id} is past the sites`);
}
const rankOf = (id: number) => raw.ordering.indexOf(id) + 1;

let ext: StandInContext;
let services: GrainServices;
let view: vscode.TreeDataProvider<NeuronNode>;
beforeEach(() => {
  fake.reset({ workspaceFolders: [REPO] });
  ext = createExtensionContext(REPO);
  services = activate(ext.context);
  view = fake.treeView('grain.neurons').provider as vscode.TreeDataProvider<NeuronNode>;
});
afterEach(() => ext.dispose());

function loadProbe(): void {
  const r = services.results.read(PROBE);
  assert.equal(r.kind, 'probe');
  if (r.kind === 'probe') services.state.setProbe({ result: r.result, path: PROBE });
}

test('without a probe the view is empty (its welcome content shows)', async () => {
  assert.deepEqual(await rowsOf(view), []);
});

test('a probe shows its top 25 neurons in order, with rank, site and unit, and their top words', async () => {
  let changes = 0;
  view.onDidChangeTreeData!(() => changes++);
  loadProbe();
  assert.equal(changes, 1);
  const sections = await rowsOf(view);
  assert.deepEqual(sections.map((s) => s.label), ['Top neurons', 'By class', 'By layer']);
  const top = row(sections, 'Top neurons');
  assert.equal(top.collapsible, TreeItemCollapsibleState.Expanded);
  assert.equal(top.description, `probe-lstm-upos.json · ${(100 * raw.test.accuracy).toFixed(1)}% test accuracy`);
  assert.equal(top.description, 'probe-lstm-upos.json · 93.4% test accuracy');
  assert.equal(top.tooltip, `The 25 most important of ${raw.ordering.length} neurons (${PROBE})`);

  const neurons = await rowsOf(view, top.element);
  assert.equal(neurons.length, 25);
  assert.deepEqual(
    neurons.map((n) => n.label),
    raw.ordering.slice(0, 25).map((id) => `neuron ${id} (${where(id)})`),
  );
  assert.deepEqual(neurons.map((n) => n.description), raw.ordering.slice(0, 25).map((_, i) => `#${i + 1}`));
  const first = neurons[0]!;
  const words = raw.topWords.find((w) => w.neuron === raw.ordering[0])!.words.slice(0, 8).join(', ');
  assert.equal(first.tooltip, `neuron ${raw.ordering[0]} (${where(raw.ordering[0]!).replace(':', ' unit ')}), rank 1\ntop words: ${words}`);
  assert.equal(first.icon, 'pulse');
  assert.equal(first.contextValue, 'grain.neuron');
});

test('By class lists each class with its top neurons, ranked in the overall ordering', async () => {
  loadProbe();
  const classes = await rowsOf(view, row(await rowsOf(view), 'By class').element);
  assert.deepEqual(classes.map((c) => c.label), raw.classes.filter((c) => raw.perClassTop[c]));
  for (const c of classes) assert.equal(c.description, `${raw.perClassTop[c.label]!.length} neurons`, c.label);
  assert.equal(row(classes, 'NOUN').tooltip, 'Top neurons of NOUN (50% of its weight mass)');
  const nouns = await rowsOf(view, row(classes, 'NOUN').element);
  const expected = raw.perClassTop.NOUN!.slice(0, 25);
  assert.deepEqual(nouns.map((n) => n.label), expected.map((id) => `neuron ${id} (${where(id)})`));
  assert.deepEqual(nouns.map((n) => n.description), expected.map((id) => `#${rankOf(id)}`));
});

test('By layer groups the probe\'s neurons by site, in the probe\'s order', async () => {
  loadProbe();
  const sites = await rowsOf(view, row(await rowsOf(view), 'By layer').element);
  assert.deepEqual(sites.map((s) => s.label), ['embeddings', 'layer1', 'layer2']);
  const inSite = (name: string) => raw.ordering.filter((id) => where(id).startsWith(`${name}:`));
  for (const s of sites) assert.equal(s.description, `${inSite(s.label).length} ranked`);
  const layer2 = await rowsOf(view, row(sites, 'layer2').element);
  assert.deepEqual(layer2.map((n) => n.label), inSite('layer2').slice(0, 25).map((id) => `neuron ${id} (${where(id)})`));
  assert.ok(layer2.every((n) => n.label.includes('(layer2:')));
});

test('a neuron row runs Show Neuron on its id; the neuron shown is marked on its rows and in the status bar', async () => {
  loadProbe();
  await vscode.commands.executeCommand('grain.useModel', join(REPO, 'models', 'brown-lstm-s1'));
  const second = (await rowsOf(view, row(await rowsOf(view), 'Top neurons').element))[1]!;
  const id = raw.ordering[1]!;
  // What Show Neuron does with the id (extension-commands.test.ts runs it on the model's sites).
  assert.deepEqual(second.command, { command: 'grain.showNeuron', title: 'Show Neuron', arguments: [id] });
  let changes = 0;
  view.onDidChangeTreeData!(() => changes++);
  services.state.setNeuron({ neuron: id, site: where(id).split(':')[0]!, unit: Number(where(id).split(':')[1]) });
  assert.equal(changes, 1);
  assert.equal(fake.statusBarItem('grain.status').text, `$(pulse) brown-lstm-s1 · n${id} ${where(id)}`);

  // The same neuron is marked wherever it is listed (top, its class, its layer), and nowhere else.
  const shown: Row<NeuronNode>[] = [];
  for (const section of await rowsOf(view)) {
    for (const r of await rowsOf(view, section.element)) {
      const leaves = r.collapsible === TreeItemCollapsibleState.None ? [r] : await rowsOf(view, r.element);
      shown.push(...leaves.filter((n) => n.description.endsWith(' · shown')));
    }
  }
  assert.ok(shown.length >= 2, texts(shown).join('\n'));
  assert.ok(shown.every((n) => n.label === `neuron ${id} (${where(id)})` && n.icon === 'eye'), texts(shown).join('\n'));
  assert.deepEqual(fake.messages(), []);
});

test('clearing the probe empties the view', async () => {
  loadProbe();
  assert.equal((await rowsOf(view)).length, 3);
  services.state.setProbe(undefined);
  assert.deepEqual(await rowsOf(view), []);
  assert.equal(fake.state.contexts.get('grain.hasProbe'), false);
});
