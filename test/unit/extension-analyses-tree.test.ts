// The Analyses view in the `vscode` stand-in, on the real result fixtures in a workspace's
// .grain/: grouped by kind, newest first, unreadable files with the reason; a row opens its
// report; the file watcher's bursts refresh the view once; Delete asks first.
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, type StandInContext } from '../helpers/vscode/context';
import { row, rowsOf } from '../helpers/vscode/tree';
import { activate, type GrainServices } from '../../src/extension/extension';
import type { AnalysisNode } from '../../src/extension/tree/analyses-tree';
import { RESULT_KINDS } from '../../src/shared/results';

// Results as the current Grain writes them (version 2); ablation-representation.json is of the
// current ablation version too (test/fixtures/results/README.md).
const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const fixture = (file: string) => join(FIXTURES, file === 'ablation-representation.json' ? '' : 'v2', file);
const createdAt = (file: string) => (JSON.parse(readFileSync(fixture(file), 'utf8')) as { createdAt: string }).createdAt;
const minute = (iso: string) => iso.replace('T', ' ').slice(0, 16);

let ws: string;
let grain: string;
let ext: StandInContext;
let services: GrainServices;
let view: vscode.TreeDataProvider<AnalysisNode>;

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'grain-analyses-'));
  grain = join(ws, '.grain');
  mkdirSync(grain);
  // Oldest first: the view lists newest first.
  const files = ['ablation-lstm.json', 'correlation-lstm.json', 'experiments-lstm-upos.json', 'probe-lstm-upos.json', 'ablation-representation.json'];
  files.forEach((f, i) => {
    copyFileSync(fixture(f), join(grain, f));
    utimesSync(join(grain, f), 1_700_000_000 + i * 60, 1_700_000_000 + i * 60);
  });
  writeFileSync(join(grain, 'broken.json'), readFileSync(fixture('ablation-lstm.json'), 'utf8').slice(0, 900));
  writeFileSync(join(grain, 'notes.json'), '{"hello": 1}\n');
  fake.reset({ workspaceFolders: [ws] });
  ext = createExtensionContext(REPO);
  services = activate(ext.context);
  view = fake.treeView('grain.analyses').provider as vscode.TreeDataProvider<AnalysisNode>;
});
afterEach(() => {
  ext.dispose();
  rmSync(ws, { recursive: true, force: true });
});

test('saved results are grouped by kind with their counts, newest first, unreadable files last with the reason', async () => {
  const groups = await rowsOf(view);
  assert.deepEqual(
    groups.map((g) => `${g.label} ${g.description}`),
    ['Probes (ranked neurons) 1', 'Experiments 1', 'Cross-model correlations 1', 'Ablation curves 2', 'Unreadable files 2'],
  );
  const ablations = await rowsOf(view, row(groups, 'Ablation curves').element);
  assert.deepEqual(ablations.map((r) => r.label), ['ablation-representation', 'ablation-lstm']);
  assert.deepEqual(ablations.map((r) => r.description), [minute(createdAt('ablation-representation.json')), minute(createdAt('ablation-lstm.json'))]);
  assert.ok(ablations.every((r) => r.icon === 'graph-line' && r.contextValue === 'grain.result.ablation'));

  const correlation = (await rowsOf(view, row(groups, 'Cross-model correlations').element))[0]!;
  assert.equal(correlation.tooltip, `**correlation-lstm** (correlation)\n\nmodels: brown-lstm-s1, brown-lstm-s2, brown-lstm-s3\n\n\`${join(grain, 'correlation-lstm.json')}\``);

  const unreadable = await rowsOf(view, row(groups, 'Unreadable files').element);
  assert.deepEqual(
    unreadable.map((r) => [r.label, r.description]),
    [
      ['broken', 'is not valid JSON: the file ends early: is it complete?'],
      ['notes', `not a Grain result: it has no "schema" field (Grain writes ${RESULT_KINDS.map((k) => `grain.${k}`).join(', ')})`],
    ],
  );
  assert.equal(unreadable[0]!.iconColor, 'problemsWarningIcon.foreground');
  // An unreadable file opens as text, where the user can see what is wrong with it.
  assert.equal(unreadable[0]!.command?.command, 'vscode.open');
  assert.equal((unreadable[0]!.command?.arguments?.[0] as vscode.Uri).fsPath, join(grain, 'broken.json'));
});

test("a probe result's row opens its report and makes it the current probe, which its row then says", async () => {
  const groups = await rowsOf(view);
  const probe = (await rowsOf(view, row(groups, 'Probes (ranked neurons)').element))[0]!;
  assert.equal(probe.icon, 'graph');
  let changes = 0;
  view.onDidChangeTreeData!(() => changes++);
  await vscode.commands.executeCommand(probe.command!.command, ...(probe.command!.arguments ?? []));
  assert.equal(services.state.probe?.path, join(grain, 'probe-lstm-upos.json'));
  const panel = fake.state.webviewPanels.at(-1);
  assert.equal(panel?.title, 'Ranked neurons: probe-lstm-upos.json');
  assert.ok(changes >= 1);
  const again = (await rowsOf(view, row(await rowsOf(view), 'Probes (ranked neurons)').element))[0]!;
  assert.equal(again.description, `current probe · ${minute(createdAt('probe-lstm-upos.json'))}`);
  assert.equal(again.icon, 'pass-filled');
  assert.deepEqual(fake.messages('error'), []);
});

test('a burst of file-watcher events (a job writing through a temp file and a rename) refreshes the view once', async () => {
  let changes = 0;
  view.onDidChangeTreeData!(() => changes++);
  copyFileSync(fixture('probe-lstm-upos.json'), join(grain, 'probe-2.json'));
  // The results folder's watcher (the probe-errors one watches labels files).
  const watcher = fake.state.fileWatchers.find((w) => typeof w.pattern !== 'string')!;
  const uri = vscode.Uri.file(join(grain, 'probe-2.json'));
  watcher.created.fire(uri);
  watcher.changed.fire(uri);
  watcher.deleted.fire(vscode.Uri.file(join(grain, 'probe-2.json.tmp')));
  watcher.changed.fire(uri);
  assert.equal(changes, 0, 'nothing before the burst settles');
  const deadline = Date.now() + 5_000;
  while (changes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(changes, 1);
  const probes = await rowsOf(view, row(await rowsOf(view), 'Probes (ranked neurons)').element);
  assert.deepEqual(probes.map((r) => r.label).sort(), ['probe-2', 'probe-lstm-upos']);
});

test('Delete asks first; Delete removes the file, and deleting the current probe clears it and the neuron', async () => {
  const probe = join(grain, 'probe-lstm-upos.json');
  const r = services.results.read(probe);
  if (r.kind === 'probe') services.state.setProbe({ result: r.result, path: probe });
  services.state.setNeuron({ neuron: 26, site: 'embeddings', unit: 26 });
  const node = (await rowsOf(view, row(await rowsOf(view), 'Probes (ranked neurons)').element))[0]!.element;

  fake.answerMessage(undefined, /^Delete the saved result probe-lstm-upos\.json\?/);
  await vscode.commands.executeCommand('grain.deleteResult', node);
  assert.ok(existsSync(probe), 'closing the dialog deletes nothing');
  assert.equal(fake.messages('warning').at(-1)?.modal, true);

  fake.answerMessage('Delete', /^Delete the saved result probe-lstm-upos\.json\?/);
  await vscode.commands.executeCommand('grain.deleteResult', node);
  assert.equal(existsSync(probe), false);
  assert.equal(services.state.probe, undefined);
  assert.equal(services.state.neuron, undefined);
  assert.deepEqual((await rowsOf(view)).map((g) => g.label), ['Experiments', 'Cross-model correlations', 'Ablation curves', 'Unreadable files']);
  assert.deepEqual(readdirSync(grain).sort(), ['ablation-lstm.json', 'ablation-representation.json', 'broken.json', 'correlation-lstm.json', 'experiments-lstm-upos.json', 'notes.json']);
});

test('a folder that cannot be listed is reported once per listing and shows no groups', async () => {
  rmSync(grain, { recursive: true });
  writeFileSync(grain, 'a file where the folder should be\n');
  const errors = fake.output('Grain');
  const before = errors.text('error').length;
  assert.deepEqual(await rowsOf(view), []);
  const logged = errors.text('error').slice(before);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, new RegExp(`^cannot list ${grain}: ENOTDIR`));
});
