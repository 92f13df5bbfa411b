// Grain's commands and side panel in a real VS Code: Run Demo trains a real probe in the worker,
// the Analyses view lists the saved result and the Neurons view its top neurons; Choose Model
// through the palette; and a folder that is not a model gets the CLI's error naming what is missing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TIMEOUTS, VsCodeSession, useWorkbench } from './harness';

/** Upper bound for the demo's probe (it takes ~15-25 s on 2 cores). */
const DEMO_TIMEOUT = 150_000;

let session: VsCodeSession;
let workspace: string;

useWorkbench(
  'commands-',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
    mkdirSync(join(ws, 'not-a-model'));
    writeFileSync(join(ws, 'not-a-model', 'readme.txt'), 'no model here\n');
  },
  (s, w) => {
    session = s;
    workspace = w;
  },
);

/** The pane of a Grain side-panel view, by its title. */
function view(name: string) {
  const page = session.page;
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) });
}

async function openGrainContainer(): Promise<void> {
  const page = session.page;
  const button = page.locator('.part.activitybar .action-item a.action-label[aria-label^="Grain"]');
  const checked = await button.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
  if (checked !== 'true') await button.click();
  await view('Models').waitFor();
}

/** Expands a collapsed pane (the side panel may start with some views collapsed). */
async function expandView(name: string): Promise<void> {
  const header = view(name).locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

test('Grain: Run Demo trains a probe, lists it in Analyses and its neurons in Neurons', async () => {
  const page = session.page;
  // Activated: the status bar item is there.
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'no model' }).first().waitFor();
  await openGrainContainer();
  // Before any analysis the Analyses view shows its welcome content with the demo link.
  await expandView('Analyses');
  await view('Analyses').locator('.welcome-view-content', { hasText: 'Run the Demo' }).waitFor();
  await session.screenshot('commands-01-empty-side-panel');

  const started = Date.now();
  await session.runCommand('Grain: Run Demo');
  await page.locator('.notification-toast', { hasText: 'Grain: Run Demo: probe' }).first().waitFor();
  await session.screenshot('commands-02-demo-running');

  // The demo ends by opening .grain/demo.txt with the top neuron selected.
  await page.locator('.tab', { hasText: 'demo.txt' }).waitFor({ timeout: DEMO_TIMEOUT });
  const seconds = (Date.now() - started) / 1000;
  const grain = join(workspace, '.grain');
  const probes = readdirSync(grain).filter((f) => /^probe-brown-lstm-s1-brown-universal-.*\.json$/.test(f));
  assert.equal(probes.length, 1, `one probe result in ${grain}: ${readdirSync(grain).join(', ')}`);
  const result = JSON.parse(readFileSync(join(grain, probes[0]!), 'utf8')) as {
    schema: string;
    ordering: number[];
    sites: { name: string; width: number }[];
    test: { accuracy: number };
    data: { trainSentences: number; testSentences: number };
  };
  assert.equal(result.schema, 'grain.probe');
  assert.deepEqual([result.data.trainSentences, result.data.testSentences], [1500, 300]);
  // 12 universal tags on brown-lstm-s1: the probe lands near 94% (majority ~30%).
  assert.ok(result.test.accuracy > 0.85, `test accuracy ${result.test.accuracy}`);
  console.log(`# Run Demo: ${seconds.toFixed(1)} s to the sample text; test accuracy ${(100 * result.test.accuracy).toFixed(2)}%`);

  // Analyses lists the result under Probes.
  await openGrainContainer();
  await expandView('Analyses');
  const analyses = view('Analyses').locator('.monaco-list-row');
  await analyses.filter({ hasText: 'Probes (ranked neurons)' }).first().waitFor();
  await analyses.filter({ hasText: probes[0]!.replace(/\.json$/, '') }).first().waitFor();

  // Neurons lists the real top neurons, labelled with their site and unit.
  await expandView('Neurons');
  const top = result.ordering[0]!;
  const where = locate(result.sites, top);
  const neurons = view('Neurons').locator('.monaco-list-row');
  const topRow = neurons.filter({ hasText: `neuron ${top} (${where})` }).first();
  await topRow.waitFor();
  assert.match(await topRow.innerText(), /#1/);
  for (const n of result.ordering.slice(1, 4)) await neurons.filter({ hasText: `neuron ${n} (${locate(result.sites, n)})` }).first().waitFor();

  // The top neuron is selected: the status bar says so.
  const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-lstm-s1' });
  await status.first().waitFor();
  assert.match(await status.first().innerText(), new RegExp(`brown-lstm-s1 · n${top} ${where}`));
  await session.screenshot('commands-03-demo-done');

  // Picking another neuron in the view selects it.
  const second = result.ordering[1]!;
  await neurons.filter({ hasText: `neuron ${second} (${locate(result.sites, second)})` }).first().click();
  await page.locator('.part.statusbar .statusbar-item', { hasText: `n${second} ${locate(result.sites, second)}` }).first().waitFor();
  await session.screenshot('commands-04-neuron-selected');
});

test('Grain: Choose Model through the palette makes brown-gpt current', async () => {
  const page = session.page;
  await startCommand('Grain: Choose Model');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-box input').fill('brown-gpt');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'brown-gpt' }).first().click();
  await widget.waitFor({ state: 'hidden' });
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-gpt' }).first().waitFor();
  await openGrainContainer();
  const row = view('Models').locator('.monaco-list-row', { hasText: 'brown-gpt' }).first();
  await row.waitFor();
  await page.waitForFunction((el) => /current/.test(el?.textContent ?? ''), await row.elementHandle(), { timeout: TIMEOUTS.ui });
  assert.match(await row.innerText(), /gpt · 5 layers × 256 neurons · current/);
  await session.screenshot('commands-05-model-chosen');
});

test('Choose Model → Browse... on a folder that is not a model says what is missing', async () => {
  const page = session.page;
  await startCommand('Grain: Choose Model');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Browse...' }).first().click();
  // The browser UI has VS Code's own file dialog: a quick input that takes a path.
  const input = widget.locator('.quick-input-box input');
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
    return !!el && el.offsetParent !== null && el.value.startsWith('/');
  }, undefined, { timeout: TIMEOUTS.ui });
  // Type only once the dialog has listed the workspace folder: typing earlier races its first load.
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'not-a-model' }).first().waitFor();
  const folder = join(workspace, 'not-a-model');
  await input.fill(`${folder}/`);
  // The dialog has moved into the folder when the workspace's entries are gone from its list.
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'not-a-model' }).first().waitFor({ state: 'hidden' });
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: '..' }).first().waitFor();
  assert.equal(await input.inputValue(), `${folder}/`);
  await session.screenshot('commands-06-browse-dialog');
  await widget.locator('.monaco-button', { hasText: 'Use This Model' }).first().click();
  const toast = page.locator('.notification-toast', { hasText: 'not a model folder' }).first();
  await toast.waitFor();
  await session.screenshot('commands-07-not-a-model');
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  // The CLI's words (src/core/model/folder.ts): what is missing first, then the folder (relative).
  assert.match(text, /Grain: not a model folder: it has no model\.onnx, nor any other \.onnx file in it or in its onnx\/ subfolder.* — Choose Model failed · not-a-model/);
  // Nothing changed: brown-gpt is still current.
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-gpt' }).first().waitFor();
  assert.ok(existsSync(folder));
});

test('Grain: Extract Activations for Current File writes .grain/activations and lists it in Datasets', async () => {
  const page = session.page;
  await session.openFile('notes.txt');
  await session.runCommand('Grain: Extract Activations for Current File');
  // brown-gpt is current (the test above): one sentence of 12 words.
  const toast = page.locator('.notification-toast', { hasText: 'extracted 12 words' }).first();
  await toast.waitFor({ timeout: 60_000 });
  await session.screenshot('commands-08-extracted');
  const out = join(workspace, '.grain', 'activations', 'notes-brown-gpt.grain');
  assert.match((await toast.innerText()).replace(/\s+/g, ' '), /extracted 12 words × \d+ neurons of 1 sentence to .*notes-brown-gpt\.grain/);
  assert.ok(existsSync(out), out);
  await openGrainContainer();
  await expandView('Datasets');
  await view('Datasets').locator('.monaco-list-row', { hasText: 'notes-brown-gpt.grain' }).first().waitFor();
});

/**
 * Runs a palette command that opens a quick pick of its own: like session.runCommand, but does
 * not wait for the quick input to close (the command's own pick takes its place).
 */
async function startCommand(title: string): Promise<void> {
  const page = session.page;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title}\\s*$`) }) }).first();
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await row.waitFor({ state: 'visible' });
  await row.click();
  // The command's pick replaces the palette: its title shows when it is there.
  await widget.locator('.quick-input-title', { hasText: title }).waitFor();
}

function locate(sites: { name: string; width: number }[], neuron: number): string {
  let offset = 0;
  for (const s of sites) {
    if (neuron < offset + s.width) return `${s.name}:${neuron - offset}`;
    offset += s.width;
  }
  throw new Error(`neuron ${neuron} is past the last site`);
}
