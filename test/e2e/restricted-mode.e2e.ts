// Grain in Restricted Mode, in a real VS Code with workspace trust on and the folder untrusted, as
// a new user meets it: a model of the workspace's grain.modelPaths is listed as needing trust (not
// dropped); Show Neuron and Extract Activations run nothing and offer "Manage Workspace Trust";
// choosing a model works but its graph is not read; a hover says why there are no neurons and
// nothing is logged as wrong; the Heat Map says its one line once. After the user trusts the folder
// (that button, then Trust in the Workspace Trust editor) the same command runs and succeeds.
// Screenshots: test-results/e2e/restricted-*.png.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';
import { closeCachedModels } from '../../src/jobs/model-cache';

const TEXT = 'The jury said it did find that the election was conducted .\n';
/** Grain's log channel file, found by its first line. */
const GRAIN_LOG = /\] Grain \d+\.\d+\.\d+ activated; demo models in/;

let ui: Workbench;
let workspace: string;

useWorkbench(
  'restricted-',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), TEXT);
    // The workspace's own model, by a relative entry in a settings file with a comment.
    mkdirSync(join(ws, 'my-models'));
    cpSync(join(REPO, 'models', 'brown-lstm-s2'), join(ws, 'my-models', 'lstm'), { recursive: true });
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(join(ws, '.vscode', 'settings.json'), '{\n  // the workspace\'s own model\n  "grain.modelPaths": ["my-models/lstm"],\n}\n');
  },
  (s, ws) => {
    ui = new Workbench(s);
    workspace = ws;
  },
  closeCachedModels,
  { trust: 'untrusted' },
);

const grainLog = () => ui.session.logText(GRAIN_LOG);
const problems = () => grainLog().split('\n').filter((l) => /\[(error|warning)\]/.test(l));

test('the folder opens in Restricted Mode, and its own model is listed as needing trust, not dropped', async () => {
  await ui.trust.statusItem.waitFor();
  await ui.trust.banner.waitFor();
  await ui.sideBar.open('Grain');
  const models = ui.sideBar.view('Models');
  await models.row(/^\s*lstm/).waitFor();
  assert.match(await models.rowText(/^\s*lstm/), /^lstm ?needs trust$/);
  assert.equal(await models.row(/^\s*lstm/).locator('.codicon-shield').count(), 1);
  await ui.screenshot('restricted-01-needs-trust');
});

test('Show Neuron offers Manage Workspace Trust, as the other model-running commands do', async () => {
  await ui.openFile('notes.txt');
  await ui.palette.run('Grain: Show Neuron...');
  const toast = await ui.notifications.toast('Show Neuron runs a model').shown();
  assert.ok(await toast.button('Manage Workspace Trust').isVisible());
  await ui.screenshot('restricted-02-show-neuron');
  await toast.dismiss();
});

test('Grain chooses a model, which runs nothing, but reads no graph', async () => {
  const pick = await ui.palette.start('Grain: Choose Model');
  await pick.titled('Grain: Choose Model');
  await pick.pick('brown-lstm-s1', 'brown-lstm-s1');
  await pick.closed();
  await ui.statusBar.shows('brown-lstm-s1');
  await ui.sideBar.open('Grain');
  await ui.sideBar.only('Models');
  const models = ui.sideBar.view('Models');
  await models.click('brown-lstm-s1');
  assert.match(await models.rowText(/^graph/), /needs workspace trust: Grain reads it by running the model, which Restricted Mode does not allow/);
  await ui.screenshot('restricted-03-restricted-mode');
});

test('a hover says why there are no neurons, with the way to trust the workspace, and nothing is logged as wrong', async () => {
  await ui.clearNotifications();
  await ui.editor.tab('notes.txt').click();
  await ui.editor.activeTab('notes.txt').waitFor();
  const before = problems();
  const hover = (await ui.hover.over('jury', undefined, 'Restricted Mode')).replace(/\s+/g, ' ');
  assert.match(hover, /Grain · no neurons here: hovers run the model on this text, which Restricted Mode does not allow\. Manage Workspace Trust/);
  await ui.screenshot('restricted-04-hover');
  await ui.hover.dismiss();
  assert.equal(await ui.notifications.toast('Grain').locator.count(), 0, 'no Grain notification');
  assert.deepEqual(problems(), before, 'no error or warning logged');
});

test('the Heat Map says its message once', async () => {
  await ui.palette.run('Grain: Focus on Heat Map View');
  await ui.webview.locator('p.subtitle').first().waitFor();
  const text = (await ui.webview.locator('body').innerText()).replace(/\s+/g, ' ');
  assert.equal(text.split('needs a trusted workspace').length - 1, 1, text);
  await ui.screenshot('restricted-05-heat-map');
});

test('Extract Activations for Current File runs nothing and offers Manage Workspace Trust', async () => {
  await ui.editor.tab('notes.txt').click();
  await ui.editor.activeTab('notes.txt').waitFor();
  await ui.palette.run('Grain: Extract Activations for Current File');
  const toast = await ui.notifications.toast('needs workspace trust').shown();
  assert.match(await toast.text(), /Grain: Extract Activations runs a model on files of this workspace, which needs workspace trust\. This workspace is in Restricted Mode\./);
  await toast.button('Manage Workspace Trust').waitFor();
  // The pointer on the toast keeps it open (and ends its slide-in) for the screenshot.
  await toast.locator.hover();
  await ui.screenshot('restricted-06-needs-trust');
  assert.equal(existsSync(join(workspace, '.grain', 'activations')), false, 'nothing extracted');
  assert.match(grainLog(), /\[warning\] Extract Activations: not run, the workspace is not trusted/);

  // The button opens the Workspace Trust editor.
  await toast.click('Manage Workspace Trust');
  await ui.trust.editor.waitFor();
  await ui.screenshot('restricted-07-trust-editor');
});

test('after trusting the folder the same command runs and succeeds, and hovers work', async () => {
  await ui.trust.trust();
  await ui.trust.statusItem.waitFor({ state: 'hidden' });
  // Grain heard of it without a reload.
  const deadline = Date.now() + 10_000;
  while (!/workspace trusted: Grain commands can run models now/.test(grainLog()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.match(grainLog(), /workspace trusted: Grain commands can run models now/);

  await ui.editor.tab('notes.txt').click();
  await ui.editor.activeTab('notes.txt').waitFor();
  // VS Code shows at most three toasts: earlier ones could hide the result's toast.
  await ui.clearNotifications();
  await ui.palette.run('Grain: Extract Activations for Current File');
  const toast = await ui.notifications.toast('extracted 12 words').shown(60_000);
  assert.match(await toast.text(), /extracted 12 words × 768 neurons of 1 sentence to .*notes-brown-lstm-s1\.grain/);
  assert.ok(existsSync(join(workspace, '.grain', 'activations', 'notes-brown-lstm-s1.grain')));
  await ui.screenshot('restricted-08-trusted-extracted');

  // The hover that said why there were no neurons now shows the word's strongest neurons (after
  // the model's corpus statistics, computed once).
  const hover = await ui.hover.over('jury', 240_000, 'strongest neurons');
  assert.match(hover, /brown-lstm-s1/);
  assert.match(hover, /strongest neurons/);
  await ui.screenshot('restricted-09-hover-trusted');
});
