// Grain's commands: one list of ids (src/extension/commands/ids.ts), which package.json
// contributes exactly and activate() registers, and which every menu, welcome link and hover link
// names; then, in the `vscode` stand-in, what their arguments may be (a view's row, a Uri, a
// path, a hover link's id), Restricted Mode (nothing runs, the trust editor is one click away),
// Add Model Folder (where the entry goes and how it is written), Choose Model on a folder that is
// no model, and Show Neuron... (a top neuron of the current probe, a typed id or site and unit,
// or its argument).
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import * as vscode from 'vscode';
import { demoExtensionRoot, editorServices } from '../helpers/editor-services';
import { BUILTIN_COMMANDS } from '../helpers/vscode/api';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, type StandInContext } from '../helpers/vscode/context';
import { row, rowsOf } from '../helpers/vscode/tree';
import { activate, type GrainServices } from '../../src/extension/extension';
import { folderOfArg, neuronArg, neuronOfArg, resultPathOf } from '../../src/extension/command-args';
import { COMMAND_IDS } from '../../src/extension/commands/ids';
import { CommandRegistry } from '../../src/extension/commands/registry';
import { registerEditor } from '../../src/extension/editor';
import { checkModelFolder } from '../../src/extension/known-models';
import { closeCachedModels } from '../../src/jobs/model-cache';

interface Manifest {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]>; viewsWelcome: { contents: string }[] };
}
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

const PROBE = join(REPO, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');
let ws: string;
let outside: string;
let ext: StandInContext | undefined;

before(() => {
  ws = mkdtempSync(join(tmpdir(), 'grain-commands-'));
  outside = mkdtempSync(join(tmpdir(), 'grain-commands-outside-'));
  const copyModel = (to: string) => cpSync(join(REPO, 'test', 'fixtures', 'models', 'optimum-bert'), to, { recursive: true, filter: (src) => !src.includes('reference') && !src.endsWith('expected.json') });
  copyModel(join(ws, 'models', 'hf-bert'));
  copyModel(join(outside, 'far-bert'));
  mkdirSync(join(ws, 'not-a-model'));
  writeFileSync(join(ws, 'not-a-model', 'readme.txt'), 'no model here\n');
  writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
  mkdirSync(join(ws, '.grain'));
  copyFileSync(PROBE, join(ws, '.grain', 'probe-lstm-upos.json'));
});
afterEach(() => {
  ext?.dispose();
  ext = undefined;
});
after(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function start(options: Parameters<typeof fake.reset>[0] = { workspaceFolders: [ws] }): GrainServices {
  fake.reset(options);
  ext = createExtensionContext(REPO);
  return activate(ext.context);
}

test("package.json contributes exactly the registry's command ids, and activation registers each of them", () => {
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  start();
  const grain = [...fake.state.commands.keys()].filter((id) => id.startsWith('grain.'));
  assert.deepEqual(grain.sort(), [...COMMAND_IDS].sort());
  assert.deepEqual(fake.output('Grain').text('error'), [], 'no command left unregistered');
});

test('every menu entry, welcome link and hover link names a registered command (or one of VS Code)', () => {
  start();
  const ids = new Set<string>(COMMAND_IDS);
  const known = (id: string) => (id.startsWith('grain.') ? ids.has(id) && fake.state.commands.has(id) : BUILTIN_COMMANDS.has(id));
  let named = 0;
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const e of entries) {
      assert.ok(known(e.command), `${menu}: ${e.command}`);
      named++;
    }
  }
  for (const w of manifest.contributes.viewsWelcome) {
    for (const m of w.contents.matchAll(/\(command:([\w.]+)/g)) {
      assert.ok(known(m[1]!), `welcome link ${m[1]}`);
      named++;
    }
  }
  const hover = readFileSync(join(REPO, 'src', 'extension', 'editor', 'hover.ts'), 'utf8');
  for (const m of hover.matchAll(/'(grain\.[A-Za-z]+)'/g)) {
    assert.ok(known(m[1]!), `hover link ${m[1]}`);
    named++;
  }
  assert.ok(named >= 10, `menus and links name ${named} commands`);
});

test('folderOfArg: a Models row, a Uri or a path; any other row or value is no folder', async () => {
  start({ workspaceFolders: [ws], settings: { 'grain.modelPaths': ['models/hf-bert'] } });
  const view = fake.treeView('grain.models').provider;
  const rows = await rowsOf(view);
  assert.equal(folderOfArg(row(rows, 'hf-bert').element), join(ws, 'models', 'hf-bert'));
  assert.equal(folderOfArg(row(rows, 'brown-gpt').element), join(REPO, 'models', 'brown-gpt'));
  const factRow = (await rowsOf(view, row(rows, 'hf-bert').element))[0]!;
  assert.equal(folderOfArg(factRow.element), undefined, 'a fact row is no model');
  assert.equal(folderOfArg(vscode.Uri.file(join(ws, 'models', 'hf-bert'))), join(ws, 'models', 'hf-bert'));
  assert.equal(folderOfArg('/some/where'), '/some/where');
  for (const other of [undefined, null, 17, {}, { kind: 'model' }, { kind: 'model', model: { folder: 3 } }, { kind: 'result', result: { path: '/x.json' } }]) {
    assert.equal(folderOfArg(other), undefined, JSON.stringify(other));
  }
});

test('resultPathOf: an Analyses result row, a Uri or a path; group and unreadable rows are no result', async () => {
  writeFileSync(join(ws, '.grain', 'broken.json'), '{"schema": "grain.probe", ');
  try {
    start();
    const view = fake.treeView('grain.analyses').provider;
    const groups = await rowsOf(view);
    const probe = (await rowsOf(view, row(groups, 'Probes (ranked neurons)').element))[0]!;
    assert.equal(resultPathOf(probe.element), join(ws, '.grain', 'probe-lstm-upos.json'));
    assert.equal(resultPathOf(row(groups, 'Probes (ranked neurons)').element), undefined);
    const unreadable = (await rowsOf(view, row(groups, 'Unreadable files').element))[0]!;
    assert.equal(resultPathOf(unreadable.element), undefined, 'an unreadable file has no report to open');
    assert.equal(resultPathOf(vscode.Uri.file(PROBE)), PROBE);
    assert.equal(resultPathOf(PROBE), PROBE);
    for (const other of [undefined, 0, {}, { kind: 'result' }, { kind: 'result', result: { path: 1 } }, { kind: 'model', model: { folder: '/m' } }]) {
      assert.equal(resultPathOf(other), undefined, JSON.stringify(other));
    }
  } finally {
    rmSync(join(ws, '.grain', 'broken.json'));
  }
});

test("neuronArg: a number, digits, [id] (a hover link's arguments) or { neuron }; nothing else", () => {
  const ok: [unknown, number][] = [[17, 17], [0, 0], ['17', 17], [' 17 ', 17], [[17], 17], [['17'], 17], [{ neuron: 17 }, 17], [{ neuron: '5' }, 5]];
  for (const [arg, id] of ok) assert.equal(neuronArg(arg), id, JSON.stringify(arg));
  const bad: unknown[] = [-1, 1.5, NaN, Infinity, '17a', '', ' ', '-3', '1e3', 'layer1:17', null, undefined, [], [-1], {}, { neuron: -2 }, { id: 17 }, true];
  for (const arg of bad) assert.equal(neuronArg(arg), undefined, JSON.stringify(arg));
});

test('neuronOfArg: an id or a site and unit, as a value, [value] or { neuron }; anything else says what Show Neuron needs', () => {
  const sites = [
    { name: 'embeddings', width: 256 },
    { name: 'layer1', width: 256 },
  ];
  const at300 = { neuron: 300, site: 'layer1', unit: 44 };
  for (const arg of [300, '300', 'layer1:44', [300], ['layer1:44'], { neuron: 300 }, { neuron: 'layer1:44' }]) {
    assert.deepEqual(neuronOfArg(arg, sites), at300, JSON.stringify(arg));
  }
  for (const arg of [512, 'layer2:0', 'layer1:256']) assert.ok('error' in neuronOfArg(arg, sites), JSON.stringify(arg));
  assert.deepEqual(neuronOfArg({ id: 3 }, sites), { error: 'Show Neuron needs a neuron id or a site and unit, not {"id":3}' });
});

test('in Restricted Mode every command that runs a model runs nothing and offers Manage Workspace Trust, which opens the trust editor', async () => {
  const services = start({ workspaceFolders: [ws], trusted: false });
  services.state.setModel(join(REPO, 'models', 'brown-lstm-s1'));
  await fake.openEditor(join(ws, 'notes.txt'));
  const cases: [string, string][] = [
    ['grain.extractCurrentFile', 'Extract Activations'],
    ['grain.extractCorpus', 'Extract Activations'],
    ['grain.runProbe', 'Run Probe'],
    ['grain.runExperiments', 'Rank Neurons'],
    ['grain.correlateModels', 'Correlate Models'],
    ['grain.runAblation', 'Run Ablation Curves'],
    ['grain.runDemo', 'Run Demo'],
  ];
  for (const [id, what] of cases) {
    const before = fake.messages().length;
    fake.answerMessage('Manage Workspace Trust');
    await vscode.commands.executeCommand(id);
    const shown = fake.messages().slice(before);
    assert.deepEqual(
      shown.map((m) => [m.severity, m.message, m.items]),
      [['warning', `Grain: ${what} runs a model on files of this workspace, which needs workspace trust. This workspace is in Restricted Mode.`, ['Manage Workspace Trust']]],
      id,
    );
  }
  assert.equal(fake.executed('workbench.trust.manage').length, cases.length);
  // Nothing ran or was asked: no progress, no pickers, no dialogs, nothing written.
  assert.deepEqual([fake.state.progress.length, fake.state.quickPicks.length, fake.state.openDialogs.length], [0, 0, 0]);
  assert.equal(existsSync(join(ws, '.grain', 'activations')), false);
  assert.deepEqual(fake.output('Grain').text('warn').filter((l) => /not run, the workspace is not trusted/.test(l)).length, cases.length);
});

test('Add Model Folder: inside the workspace the workspace setting gets a relative entry, outside it the user setting an absolute one', async () => {
  const services = start();
  fake.answerOpenDialog([join(ws, 'models', 'hf-bert')]);
  fake.pick('Workspace settings', /add hf-bert to grain\.modelPaths/);
  fake.answerMessage('Use This Model', /^Grain: added hf-bert/);
  await vscode.commands.executeCommand('grain.addModelFolder');
  const config = vscode.workspace.getConfiguration('grain');
  assert.deepEqual(config.inspect('modelPaths')?.workspaceValue, ['models/hf-bert']);
  assert.equal(config.inspect('modelPaths')?.globalValue, undefined);
  assert.equal(fake.messages('info').at(-1)?.message, 'Grain: added hf-bert (bert · 3 layers × 16 neurons) to the Models view.');
  // "Use This Model" on the message makes it current.
  await new Promise((r) => setImmediate(r));
  assert.equal(services.state.model, join(ws, 'models', 'hf-bert'));
  assert.ok((await rowsOf(fake.treeView('grain.models').provider)).some((r) => r.label === 'hf-bert' && r.description.endsWith('· current')));

  // Already listed: said so, nothing written twice.
  fake.answerOpenDialog([join(ws, 'models', 'hf-bert')]);
  await vscode.commands.executeCommand('grain.addModelFolder');
  assert.match(fake.messages('info').at(-1)!.message, /^Grain: hf-bert is already in the Models view/);
  assert.deepEqual(config.inspect('modelPaths')?.workspaceValue, ['models/hf-bert']);

  fake.answerOpenDialog([join(outside, 'far-bert')]);
  fake.pick('User settings');
  await vscode.commands.executeCommand('grain.addModelFolder');
  assert.deepEqual(config.inspect('modelPaths')?.globalValue, [join(outside, 'far-bert')]);
  assert.deepEqual(config.inspect('modelPaths')?.workspaceValue, ['models/hf-bert']);
  // The quick pick named where each choice writes.
  const targets = fake.state.quickPicks.at(-1)!.items;
  assert.deepEqual(targets.map((t) => t.label), ['Workspace settings', 'User settings']);
  assert.equal(targets[0]!.description, `.vscode/settings.json of ${ws}`);
});

test('Add Model Folder and Choose Model refuse a folder that is no model with the message the CLI gives, and change nothing', async () => {
  const services = start();
  services.state.setModel(join(REPO, 'models', 'brown-gpt'));
  const folder = join(ws, 'not-a-model');
  const expected = checkModelFolder(folder);
  assert.ok('error' in expected);

  fake.answerOpenDialog([folder]);
  await vscode.commands.executeCommand('grain.addModelFolder');
  // The reason first, then what failed and the folder relative to the workspace.
  assert.equal(fake.messages('error').at(-1)?.message, `Grain: ${expected.reason} — Add Model Folder failed · not-a-model`);
  assert.equal(vscode.workspace.getConfiguration('grain').inspect('modelPaths')?.workspaceValue, undefined);

  fake.pick('Browse...', 'Grain: Choose Model');
  fake.answerOpenDialog([folder]);
  await vscode.commands.executeCommand('grain.chooseModel');
  assert.equal(fake.messages('error').at(-1)?.message, `Grain: ${expected.reason} — Choose Model failed · not-a-model`);
  assert.equal(services.state.model, join(REPO, 'models', 'brown-gpt'));
  // The dialog opened in the workspace, not next to whatever file was open.
  assert.equal(fake.state.openDialogs.at(-1)?.options?.defaultUri?.fsPath, ws);
});

test('Show Neuron...: the current probe\'s top neurons offered, an id or site:unit typed, an argument taken as it is, a wrong one refused', async () => {
  // The editor's commands on brown-lstm-s1 with the worker's jobs run in-process: Show Neuron
  // reads the model's sites from its corpus statistics (300 Brown sentences here).
  const extRoot = demoExtensionRoot(['brown-lstm-s1']);
  // The probe fixture names its model relative to where it ran: the repository.
  fake.reset({ workspaceFolders: [REPO] });
  const editorExt = createExtensionContext(extRoot.root);
  const es = editorServices(extRoot.root, join(ws, '.grain'));
  const commands = new CommandRegistry(es.services.log);
  editorExt.context.subscriptions.push(commands);
  registerEditor(editorExt.context, es.services, commands);
  try {
    const state = es.services.state;
    const shown = () => state.neuron;
    // No model yet: an argument (a hover link, a tree row) asks for none and changes nothing.
    await vscode.commands.executeCommand('grain.showNeuron', [300]);
    assert.equal(fake.messages('warning').at(-1)?.message, 'Grain: choose a model first.');
    assert.equal(shown(), undefined);

    state.setModel('brown-lstm-s1');
    const r = es.services.results.read(PROBE);
    if (r.kind === 'probe') state.setProbe({ result: r.result, path: PROBE });
    let offered: string[] = [];
    let title = '';
    fake.answerQuickPickWidget((qp) => {
      title = qp.title ?? '';
      offered = qp.items.slice(0, 3).map((i) => `${i.label} ${i.description}`);
      qp.type('layer1:44');
      assert.equal(qp.items[0]!.label, 'neuron 300 (layer1:44)', 'the typed neuron is offered first');
      qp.accept(qp.items[0]);
    });
    await vscode.commands.executeCommand('grain.showNeuron');
    assert.equal(title, 'Grain: Show Neuron (brown-lstm-s1)');
    assert.deepEqual(offered, ['neuron 26 (embeddings:26) rank 1 in the probe', 'neuron 44 (embeddings:44) rank 2 in the probe', 'neuron 82 (embeddings:82) rank 3 in the probe']);
    assert.deepEqual(shown(), { neuron: 300, site: 'layer1', unit: 44 });

    fake.answerQuickPickWidget((qp) => {
      qp.type('layer9:1');
      qp.accept();
    });
    await vscode.commands.executeCommand('grain.showNeuron');
    assert.equal(fake.messages('error').at(-1)?.message, 'Grain: no site "layer9"; the sites are embeddings, layer1, layer2 (brown-lstm-s1)');
    assert.deepEqual(shown(), { neuron: 300, site: 'layer1', unit: 44 }, 'unchanged');

    // Escape: nothing changes.
    await vscode.commands.executeCommand('grain.showNeuron');
    assert.equal(shown()?.neuron, 300);

    // An argument: a hover link's [id], a tree row's id, a site and unit; no pick is shown.
    const picks = fake.state.quickPickWidgets.length;
    await vscode.commands.executeCommand('grain.showNeuron', [26]);
    assert.deepEqual(shown(), { neuron: 26, site: 'embeddings', unit: 26 });
    await vscode.commands.executeCommand('grain.showNeuron', 513);
    assert.deepEqual(shown(), { neuron: 513, site: 'layer2', unit: 1 });
    await vscode.commands.executeCommand('grain.showNeuron', 'layer1:44');
    assert.deepEqual(shown(), { neuron: 300, site: 'layer1', unit: 44 });
    await vscode.commands.executeCommand('grain.showNeuron', 768);
    assert.equal(fake.messages('error').at(-1)?.message, 'Grain: neuron 768 does not exist: there are neurons 0 to 767 (brown-lstm-s1)');
    assert.equal(shown()?.neuron, 300, 'unchanged');
    assert.equal(fake.state.quickPickWidgets.length, picks);
  } finally {
    editorExt.dispose();
    es.dispose();
    await closeCachedModels();
    extRoot.remove();
  }
});
