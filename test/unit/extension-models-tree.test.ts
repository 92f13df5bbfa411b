// The Models view in the `vscode` stand-in: the demo models by their cards, grain.modelPaths
// entries (relative ones against the workspace folder) by their Hugging Face config, "unusable"
// exactly for the folder the CLI refuses, the current model, Restricted Mode, and the graph facts
// an inspect job (the real one, run here in-process) reads.
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import * as vscode from 'vscode';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, Memento, type StandInContext } from '../helpers/vscode/context';
import { facts, row, rowsOf, texts } from '../helpers/vscode/tree';
import { activate } from '../../src/extension/extension';
import { ModelsTree, type ModelNode } from '../../src/extension/tree/models-tree';
import { GrainState } from '../../src/extension/state';
import { knownModels } from '../../src/extension/known-models';
import { runJob } from '../../src/jobs';
import type { InspectReport } from '../../src/shared/inspect';

const DEMOS = ['brown-bert', 'brown-gpt', 'brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3'];
const TJS = join(REPO, 'test', 'fixtures', 'models', 'transformersjs-bert');
const SINGLE = join(REPO, 'test', 'fixtures', 'models', 'single-file', 'my-encoder.onnx');
const card = (id: string) => JSON.parse(readFileSync(join(REPO, 'models', id, 'config.json'), 'utf8')) as { architecture: string; hidden_size: number; layer_boundaries: string[]; parameters: number };
const hfConfig = JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'models', 'optimum-bert', 'config.json'), 'utf8')) as { hidden_size: number; num_hidden_layers: number; vocab_size: number; max_position_embeddings: number; architectures: string[] };
const expected = JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'models', 'optimum-bert', 'expected.json'), 'utf8')) as {
  sites: Record<string, string>;
  mlp: Record<string, string>;
  inputs: { name: string; type: string }[];
  width: { residual: number; mlp: number };
};
const kB = (file: string) => `${(statSync(file).size / 1e3).toFixed(1)} kB`;
const MB = (file: string) => `${(statSync(file).size / 1e6).toFixed(1)} MB`;

let ws: string;
let ext: StandInContext | undefined;

before(() => {
  ws = mkdtempSync(join(tmpdir(), 'grain-models-tree-'));
  // A Hugging Face (optimum) export with its own config.json, and a folder the CLI refuses.
  cpSync(join(REPO, 'test', 'fixtures', 'models', 'optimum-bert'), join(ws, 'hf-bert'), { recursive: true, filter: (src) => !src.includes('reference') && !src.endsWith('expected.json') });
  mkdirSync(join(ws, 'broken'));
  copyFileSync(join(REPO, 'test', 'fixtures', 'models', 'optimum-bert', 'model.onnx'), join(ws, 'broken', 'model.onnx'));
});
afterEach(() => {
  ext?.dispose();
  ext = undefined;
});
after(() => rmSync(ws, { recursive: true, force: true }));

function start(options: Parameters<typeof fake.reset>[0]): StandInContext {
  fake.reset(options);
  ext = createExtensionContext(REPO);
  activate(ext.context);
  return ext;
}

const models = () => fake.treeView('grain.models').provider as vscode.TreeDataProvider<ModelNode>;

/** The CLI's answer for a folder (grain inspect, run from source): exit code and its error line. */
function cliInspect(folder: string): { status: number | null; error?: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), 'inspect', '--model', folder], { cwd: REPO, encoding: 'utf8' });
  return { status: run.status, error: /^grain inspect: error: (.*)$/m.exec(run.stderr)?.[1] };
}

test('the Models view lists the demo models by their cards, then grain.modelPaths, relative entries read against the workspace folder', async () => {
  start({ workspaceFolders: [ws], settings: { 'grain.modelPaths': ['hf-bert', 'broken', TJS] } });
  const rows = await rowsOf(models());
  assert.deepEqual(
    rows.map((r) => r.label),
    [...DEMOS, 'hf-bert', 'broken', 'transformersjs-bert'],
  );
  for (const id of DEMOS) {
    const c = card(id);
    assert.equal(row(rows, id).description, `${c.architecture} · ${c.layer_boundaries.length} layers × ${c.hidden_size} neurons`, id);
    assert.match(row(rows, id).tooltip, /from Grain's model card/);
  }
  // The relative entry is the folder inside the workspace, not one under the process's cwd.
  const hf = row(rows, 'hf-bert');
  assert.equal(hf.description, `bert · ${hfConfig.num_hidden_layers + 1} layers × ${hfConfig.hidden_size} neurons`);
  assert.ok(hf.tooltip.includes(`\`${join(ws, 'hf-bert')}\``), hf.tooltip);
  assert.match(hf.tooltip, /from the Hugging Face config\.json/);
  assert.equal(row(rows, 'transformersjs-bert').description, `bert · ${hfConfig.num_hidden_layers + 1} layers × ${hfConfig.hidden_size} neurons · 3 variants`);
  for (const r of rows) assert.equal(r.command, undefined, 'a model row runs nothing when clicked: it expands');
});

test('a demo model expands to what its card states, a Hugging Face folder to what its config.json states', async () => {
  start({ workspaceFolders: [ws], trusted: false, userSettings: { 'grain.modelPaths': ['hf-bert'] } });
  const rows = await rowsOf(models());
  const gpt = facts(await rowsOf(models(), row(rows, 'brown-gpt').element));
  const c = card('brown-gpt');
  assert.equal(gpt.get('kind'), c.architecture);
  assert.equal(gpt.get('hidden size'), String(c.hidden_size));
  assert.equal(gpt.get('layer boundaries'), c.layer_boundaries.join(', '));
  assert.equal(gpt.get('parameters'), c.parameters.toLocaleString('en-US'));
  assert.equal(gpt.get('config'), "config.json: Grain's model card");
  assert.equal(gpt.get('model file'), `model.onnx (${MB(join(REPO, 'models', 'brown-gpt', 'model.onnx'))})`);
  assert.equal(gpt.get('folder'), join(REPO, 'models', 'brown-gpt'));
  assert.equal(gpt.has('layers'), false, 'a card states its boundaries, not a layer count');

  const hfRows = await rowsOf(models(), row(rows, 'hf-bert').element);
  const hf = facts(hfRows);
  assert.equal(hf.get('kind'), `bert (${hfConfig.architectures.join(', ')})`);
  assert.equal(hf.get('blocks'), String(hfConfig.num_hidden_layers));
  assert.equal(hf.get('hidden size'), String(hfConfig.hidden_size));
  assert.equal(hf.get('layer boundaries'), `embeddings, layer1 … layer${hfConfig.num_hidden_layers} (from config.json)`);
  assert.equal(hf.get('vocabulary'), String(hfConfig.vocab_size));
  assert.equal(hf.get('max positions'), String(hfConfig.max_position_embeddings));
  assert.equal(hf.get('config'), 'config.json: Hugging Face config');
  assert.equal(hf.get('layout'), 'optimum export: the graph at the root');
  assert.equal(hf.get('model file'), `model.onnx (${kB(join(ws, 'hf-bert', 'model.onnx'))})`);
  // Restricted Mode: the graph is not read (reading it runs the model).
  const graph = row(hfRows, 'graph');
  assert.match(graph.description, /^needs workspace trust/);
  assert.equal(graph.icon, 'shield');
});

test('"unusable" marks exactly the folder the CLI refuses, with the message the CLI prints', async () => {
  start({ workspaceFolders: [ws], settings: { 'grain.modelPaths': ['hf-bert', 'broken', TJS] } });
  const broken = cliInspect(join(ws, 'broken'));
  assert.equal(broken.status, 1);
  assert.ok(broken.error, 'the CLI names the problem');
  assert.equal(cliInspect(join(ws, 'hf-bert')).status, 0);

  const rows = await rowsOf(models());
  assert.deepEqual(
    rows.filter((r) => /unusable/.test(r.description)).map((r) => r.label),
    ['broken'],
  );
  const bad = row(rows, 'broken');
  assert.equal(bad.description, 'unusable model folder');
  assert.equal(bad.icon, 'error');
  assert.equal(bad.contextValue, 'grain.badModel');
  assert.equal(bad.tooltip, broken.error);
  const why = facts(await rowsOf(models(), bad.element));
  // Under the folder's row the reason stands alone: the CLI's message less the folder it names first.
  assert.equal(`${join(ws, 'broken')}: ${why.get('cannot be used')}`, broken.error);
  assert.equal(why.get('folder'), join(ws, 'broken'));
  // Usable rows carry the "Use This Model" context, the refused one does not.
  for (const r of rows.filter((x) => x.label !== 'broken')) assert.equal(r.contextValue, 'grain.model', r.label);
});

test('Restricted Mode ignores grain.modelPaths of the workspace settings; trusting the workspace lists them', async () => {
  start({ workspaceFolders: [ws], trusted: false, settings: { 'grain.modelPaths': ['hf-bert'] } });
  assert.deepEqual((await rowsOf(models())).map((r) => r.label), DEMOS);
  let changes = 0;
  models().onDidChangeTreeData!(() => changes++);
  fake.grantTrust();
  assert.equal(changes, 1, 'the view refreshes once when the workspace is trusted');
  assert.deepEqual((await rowsOf(models())).map((r) => r.label), [...DEMOS, 'hf-bert']);
});

test('changing grain.modelPaths refreshes the view with the new entries', async () => {
  start({ workspaceFolders: [ws] });
  let changes = 0;
  models().onDidChangeTreeData!(() => changes++);
  fake.setSetting('editor.tabSize', 2);
  assert.equal(changes, 0, 'other settings leave the view alone');
  fake.setSetting('grain.modelPaths', ['./hf-bert', join(ws, 'hf-bert')]);
  assert.equal(changes, 1);
  // The same folder written twice (relative and absolute) is listed once.
  assert.deepEqual((await rowsOf(models())).map((r) => r.label), [...DEMOS, 'hf-bert']);
});

test('Use This Model on a row marks it current; a model in no list is listed while it is current', async () => {
  start({ workspaceFolders: [ws], settings: { 'grain.modelPaths': [TJS] } });
  const gptRow = row(await rowsOf(models()), 'brown-gpt');
  // The inline action passes the row's element.
  await vscode.commands.executeCommand('grain.useModel', gptRow.element);
  let rows = await rowsOf(models());
  assert.equal(row(rows, 'brown-gpt').description, `${gptRow.description} · current`);
  assert.equal(row(rows, 'brown-gpt').icon, 'pass-filled');
  assert.equal(row(rows, 'brown-gpt').contextValue, 'grain.model.current');
  assert.equal(rows.filter((r) => /current/.test(r.description)).length, 1);
  assert.equal(fake.statusBarItem('grain.status').text, '$(pulse) brown-gpt');

  // A folder of three graphs asks which one; the choice is the model file, shown on its row.
  fake.pick('model_quantized', /which graph of transformersjs-bert/);
  await vscode.commands.executeCommand('grain.useModel', vscode.Uri.file(TJS));
  rows = await rowsOf(models());
  assert.equal(row(rows, 'transformersjs-bert').description, 'bert · 3 layers × 16 neurons · 3 variants · current (model_quantized)');
  const variants = facts(await rowsOf(models(), row(rows, 'transformersjs-bert').element)).get('variants');
  assert.match(variants ?? '', /model_quantized \(current, quantized, [\d.]+ kB\)/);
  assert.equal(row(rows, 'brown-gpt').description, gptRow.description);

  // An .onnx file in no list: listed while it is the current model, gone after.
  await vscode.commands.executeCommand('grain.useModel', SINGLE);
  rows = await rowsOf(models());
  assert.equal(rows.length, DEMOS.length + 2);
  assert.match(rows.at(-1)!.description, / · current$/);
  assert.equal(facts(await rowsOf(models(), rows.at(-1)!.element)).get('model file'), `my-encoder.onnx (current, ${kB(SINGLE)})`);
  await vscode.commands.executeCommand('grain.useModel', gptRow.element);
  assert.equal((await rowsOf(models())).length, DEMOS.length + 1);
  assert.deepEqual(fake.messages('error'), []);
});

test('in a trusted workspace a model expands to what the inspect job read from its graph, once per model file until Refresh', async () => {
  fake.reset({ workspaceFolders: [ws] });
  const state = new GrainState(new Memento());
  const inspected: string[] = [];
  const tree = new ModelsTree(() => knownModels(join(REPO, 'models'), [join(ws, 'hf-bert')], state.model), state, (m) => assert.fail(m), {
    trusted: () => vscode.workspace.isTrusted,
    inspect: (model) => {
      inspected.push(model);
      const ctx = { progress() {}, warn() {}, log() {}, signal: new AbortController().signal };
      return runJob({ kind: 'inspect', model, threads: 1 }, ctx);
    },
  });
  const done = new Promise<void>((resolve) => tree.onDidChangeTreeData(() => resolve()));
  const hf = row(await rowsOf(tree), 'hf-bert');
  const first = await rowsOf(tree, hf.element);
  assert.equal(row(first, 'graph').description, 'reading it in the worker…');
  assert.equal(row(first, 'graph').icon, 'loading~spin');
  await done;

  const rows = await rowsOf(tree, hf.element);
  const f = facts(rows);
  assert.equal(f.has('graph'), false, JSON.stringify(texts(rows)));
  for (const input of expected.inputs) assert.match(f.get(`input ${input.name}`) ?? '', new RegExp(`^${input.type} \\[.*\\] · fed `), input.name);
  assert.deepEqual(
    rows.filter((r) => r.label.startsWith('input ')).map((r) => r.label),
    expected.inputs.map((i) => `input ${i.name}`),
  );
  const sites = Object.keys(expected.sites);
  assert.match(f.get('sites') ?? '', new RegExp(`^${sites.length} layer boundaries found by `));
  assert.equal(f.get('widths'), sites.map((s) => `${s} ${expected.width.residual}`).join(', '));
  assert.equal(row(rows, 'widths').tooltip.split('\n').map((l) => l.replace(/ \(.*\)$/, '')).join('\n'), sites.map((s) => `${s}: ${expected.sites[s]}`).join('\n'));
  const mlp = Object.keys(expected.mlp);
  assert.equal(f.get('MLP sites'), `${mlp.length} sites × ${expected.width.mlp} neurons (${mlp[0]}–${mlp.at(-1)})`);
  // No LM logits: ablation measures the representation.
  assert.match(f.get('ablation objective') ?? '', /^representation /);
  assert.ok(!rows.some((r) => r.label.startsWith('problem')), JSON.stringify(texts(rows)));

  // Expanding again, or the model changing, reads nothing again; Refresh Models does.
  await rowsOf(tree, hf.element);
  state.setModel(join(REPO, 'models', 'brown-gpt'));
  await rowsOf(tree, row(await rowsOf(tree), 'hf-bert').element);
  assert.deepEqual(inspected, [join(ws, 'hf-bert')]);
  tree.refresh();
  const again = new Promise<void>((resolve) => tree.onDidChangeTreeData(() => resolve()));
  await rowsOf(tree, row(await rowsOf(tree), 'hf-bert').element);
  await again;
  assert.equal(inspected.length, 2);
  tree.dispose();
  state.dispose();
});

test('a graph the worker cannot read shows its error on the graph row', async () => {
  fake.reset({ workspaceFolders: [ws] });
  const state = new GrainState(new Memento());
  const tree = new ModelsTree(() => knownModels(join(REPO, 'models'), [], undefined), state, (m) => assert.fail(m), {
    trusted: () => true,
    inspect: () => Promise.reject(new Error('the analysis worker crashed: out of memory')),
  });
  const done = new Promise<void>((resolve) => tree.onDidChangeTreeData(() => resolve()));
  const lstm = row(await rowsOf(tree), 'brown-lstm-s1');
  await rowsOf(tree, lstm.element);
  await done;
  const graph = row(await rowsOf(tree, lstm.element), 'graph');
  assert.equal(graph.description, 'the analysis worker crashed: out of memory');
  assert.equal(graph.icon, 'error');
  tree.dispose();
  state.dispose();
});

test('a models list that cannot be read is reported and leaves an empty view', async () => {
  fake.reset({});
  const state = new GrainState(new Memento());
  const errors: string[] = [];
  const tree = new ModelsTree(() => {
    throw new Error('EACCES: permission denied, scandir');
  }, state, (m) => errors.push(m), { trusted: () => true, inspect: (): Promise<InspectReport> => assert.fail('nothing to inspect') });
  assert.deepEqual(await rowsOf(tree), []);
  assert.deepEqual(errors, ['EACCES: permission denied, scandir']);
  tree.dispose();
  state.dispose();
});
