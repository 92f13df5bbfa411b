// Grain in Restricted Mode, in a real VS Code with workspace trust on and the folder untrusted:
// a command that runs a model runs nothing and says so with a "Manage Workspace Trust" button;
// hovers give nothing and say nothing wrong; after the user trusts the folder (that button, then
// Trust in the Workspace Trust editor) the same command runs and succeeds.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { useWorkbench } from './harness';
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

test('the folder opens in Restricted Mode; Grain lists its models and chooses one, but reads no graph', async () => {
  await ui.trust.statusItem.waitFor();
  await ui.trust.banner.waitFor();
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
  await ui.screenshot('restricted-01-restricted-mode');
});

test('hovering a word gives nothing and says nothing wrong', async () => {
  await ui.openFile('notes.txt');
  const before = problems();
  // VS Code asks hover providers after ~300 ms; Grain answers at once in Restricted Mode.
  assert.equal(await ui.hover.quietOver('jury', 2_000), '');
  await ui.screenshot('restricted-02-no-hover');
  assert.equal(await ui.notifications.toast('Grain').locator.count(), 0, 'no Grain notification');
  assert.deepEqual(problems(), before, 'no error or warning logged');
});

test('Extract Activations for Current File runs nothing and offers Manage Workspace Trust', async () => {
  await ui.palette.run('Grain: Extract Activations for Current File');
  const toast = await ui.notifications.toast('needs workspace trust').shown();
  assert.match(await toast.text(), /Grain: Extract Activations runs a model on files of this workspace, which needs workspace trust\. This workspace is in Restricted Mode\./);
  await toast.button('Manage Workspace Trust').waitFor();
  // The pointer on the toast keeps it open (and ends its slide-in) for the screenshot.
  await toast.locator.hover();
  await ui.screenshot('restricted-03-needs-trust');
  assert.equal(existsSync(join(workspace, '.grain', 'activations')), false, 'nothing extracted');
  assert.match(grainLog(), /\[warning\] Extract Activations: not run, the workspace is not trusted/);

  // The button opens the Workspace Trust editor.
  await toast.click('Manage Workspace Trust');
  await ui.trust.editor.waitFor();
  await ui.screenshot('restricted-04-trust-editor');
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
  await ui.palette.run('Grain: Extract Activations for Current File');
  const toast = await ui.notifications.toast('extracted 12 words').shown(60_000);
  assert.match(await toast.text(), /extracted 12 words × 768 neurons of 1 sentence to .*notes-brown-lstm-s1\.grain/);
  assert.ok(existsSync(join(workspace, '.grain', 'activations', 'notes-brown-lstm-s1.grain')));
  await ui.screenshot('restricted-05-trusted-extracted');

  // The hover that said nothing now shows the word's strongest neurons (after the model's
  // corpus statistics, computed once).
  const hover = await ui.hover.over('jury', 240_000);
  assert.match(hover, /brown-lstm-s1/);
  assert.match(hover, /strongest neurons/);
  await ui.screenshot('restricted-06-hover-trusted');
});
