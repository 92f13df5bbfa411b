// activate() in the `vscode` stand-in: every view package.json contributes gets its provider (its
// commands: extension-commands.test.ts); deactivation takes it all back; and what the user was
// looking at (model, probe, neuron) comes back after a reload.
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import * as vscode from 'vscode';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, Memento, type StandInContext } from '../helpers/vscode/context';
import { rowsOf, row } from '../helpers/vscode/tree';
import { activate } from '../../src/extension/extension';

interface Manifest {
  contributes: { views: Record<string, { id: string; type?: string }[]> };
}
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;
const PROBE = join(REPO, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');

let ws: string;
let ext: StandInContext | undefined;
before(() => {
  ws = mkdtempSync(join(tmpdir(), 'grain-activation-'));
  mkdirSync(join(ws, '.grain'));
  copyFileSync(PROBE, join(ws, '.grain', 'probe-lstm-upos.json'));
});
afterEach(() => {
  ext?.dispose();
  ext = undefined;
});
after(() => rmSync(ws, { recursive: true, force: true }));

function start(workspaceState = new Memento()) {
  fake.reset({ workspaceFolders: [ws] });
  ext = createExtensionContext(REPO, { workspaceState });
  return activate(ext.context);
}

test('every contributed view gets its tree or its webview provider, and the welcome content waits for activation', () => {
  start();
  const views = Object.values(manifest.contributes.views).flat();
  assert.deepEqual(views.filter((v) => v.type !== 'webview').map((v) => v.id).filter((id) => !fake.state.treeViews.has(id)), []);
  assert.deepEqual(views.filter((v) => v.type === 'webview').map((v) => v.id).filter((id) => !fake.state.webviewViewProviders.has(id)), []);
  assert.equal(fake.state.contexts.get('grain.activated'), true);
  assert.equal(fake.state.contexts.get('grain.hasProbe'), false);
  assert.equal(fake.state.contexts.get('grain.hasNeuron'), false);
  const status = fake.statusBarItem('grain.status');
  assert.equal(status.text, '$(pulse) no model');
  assert.equal(status.command, 'grain.chooseModel');
  assert.equal(status.visible, true);
  assert.match(fake.output('Grain').text('info')[0]!, /^Grain \d+\.\d+\.\d+ activated; demo models in /);
});

test('deactivation unregisters every command and view and leaves no listener behind', () => {
  start();
  assert.ok(fake.state.commands.size > 10);
  ext!.dispose();
  ext = undefined;
  assert.deepEqual([...fake.state.commands.keys()], []);
  assert.deepEqual([...fake.state.treeViews.values()].filter((v) => !v.disposed).map((v) => v.id), []);
  assert.deepEqual(fake.state.statusBarItems.filter((i) => !i.disposed).map((i) => i.id), []);
  assert.deepEqual(fake.state.webviewViewProviders.size + fake.state.panelSerializers.size + fake.state.hoverProviders.length, 0);
  const listening = Object.entries(fake.state.events).filter(([, e]) => e.listenerCount > 0).map(([name]) => name);
  assert.deepEqual(listening, []);
  assert.ok(fake.state.decorationTypes.length > 0 && fake.state.decorationTypes.every((d) => d.disposed));
});

test('after a reload the current model, probe and neuron come back from the workspace state', async () => {
  const memento = new Memento();
  const services = start(memento);
  await vscode.commands.executeCommand('grain.useModel', join(REPO, 'models', 'brown-lstm-s1'));
  await vscode.commands.executeCommand('grain.openReport', vscode.Uri.file(join(ws, '.grain', 'probe-lstm-upos.json')));
  services.state.setNeuron({ neuron: 300, site: 'layer1', unit: 44 });
  assert.equal(fake.statusBarItem('grain.status').text, '$(pulse) brown-lstm-s1 · n300 layer1:44');
  ext!.dispose();

  // The window reloads: a fresh extension host, the same workspace state.
  const again = start(memento);
  assert.equal(again.state.model, join(REPO, 'models', 'brown-lstm-s1'));
  assert.deepEqual(again.state.neuron, { neuron: 300, site: 'layer1', unit: 44 });
  assert.equal(again.state.probe?.path, join(ws, '.grain', 'probe-lstm-upos.json'));
  assert.deepEqual(again.state.probe?.result.ordering.slice(0, 5), [26, 44, 82, 113, 149]);
  assert.equal(fake.state.contexts.get('grain.hasProbe'), true);
  assert.equal(fake.state.contexts.get('grain.hasNeuron'), true);
  assert.equal(fake.statusBarItem('grain.status').text, '$(pulse) brown-lstm-s1 · n300 layer1:44');
  const neurons = fake.treeView('grain.neurons').provider;
  const top = await rowsOf(neurons, row(await rowsOf(neurons), 'Top neurons').element);
  assert.equal(top[0]!.label, 'neuron 26 (embeddings:26)');
});

test('a probe whose file is gone is forgotten at the next start, with a log line', () => {
  const memento = new Memento();
  void memento.update('grain.state', { model: join(REPO, 'models', 'brown-gpt'), probePath: join(ws, '.grain', 'deleted.json') });
  const services = start(memento);
  assert.equal(services.state.probe, undefined);
  assert.equal(services.state.probePath, undefined);
  assert.equal(services.state.model, join(REPO, 'models', 'brown-gpt'));
  assert.equal(memento.get<{ probePath?: string }>('grain.state')?.probePath, undefined);
  assert.ok(fake.output('Grain').text('info').includes(`the last probe ${join(ws, '.grain', 'deleted.json')} is gone`));
  assert.equal(fake.state.contexts.get('grain.hasProbe'), false);
});
