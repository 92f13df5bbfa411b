// Grain's commands and side panel in a real VS Code: Run Demo trains a real probe in the worker,
// the Analyses view lists the saved result and the Neurons view its top neurons; Choose Model
// through the palette; a folder that is not a model gets the CLI's error naming what is missing;
// and extraction of the current file lists its activations in Datasets.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { useWorkbench } from './harness';
import { Workbench } from './pages/workbench';
import { parseHostDelay } from '../helpers/host-delay-log';
import { neuronLabel } from '../../src/shared/neurons';

/** Upper bound for the demo's probe (it takes ~15-25 s on 2 cores). */
const DEMO_TIMEOUT = 150_000;

let ui: Workbench;
let workspace: string;

useWorkbench(
  'commands-',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
    mkdirSync(join(ws, 'not-a-model'));
    writeFileSync(join(ws, 'not-a-model', 'readme.txt'), 'no model here\n');
  },
  (s, w) => {
    ui = new Workbench(s);
    workspace = w;
  },
);

test('Grain: Run Demo trains a probe, lists it in Analyses and its neurons in Neurons', async () => {
  // Activated: the status bar item is there.
  await ui.statusBar.shows('no model');
  await ui.sideBar.open('Grain');
  // Before any analysis the Analyses view shows its welcome content with the demo link.
  const analyses = ui.sideBar.view('Analyses');
  await analyses.expand();
  await analyses.welcome('Run the Demo').waitFor();
  await ui.screenshot('commands-01-empty-side-panel');

  const started = Date.now();
  await ui.palette.run('Grain: Run Demo');
  await ui.notifications.toast('Grain: Run Demo: probe').shown();
  await ui.screenshot('commands-02-demo-running');

  // The demo ends by opening .grain/demo.txt with the top neuron selected.
  await ui.editor.tab('demo.txt').waitFor({ timeout: DEMO_TIMEOUT });
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
  await ui.sideBar.open('Grain');
  await analyses.expand();
  await analyses.row('Probes (ranked neurons)').waitFor();
  await analyses.row(probes[0]!.replace(/\.json$/, '')).waitFor();

  // Neurons lists the real top neurons, labelled with their id, site and unit ("neuron 300 (layer1:44)").
  const neurons = ui.sideBar.view('Neurons');
  await neurons.expand();
  const top = result.ordering[0]!;
  const where = neuronLabel(result.sites, top);
  const topRow = neurons.row(`neuron ${top} (${where})`);
  await topRow.waitFor();
  assert.match(await topRow.innerText(), /#1/);
  for (const n of result.ordering.slice(1, 4)) await neurons.row(`neuron ${n} (${neuronLabel(result.sites, n)})`).waitFor();

  // The top neuron is selected: the status bar says so.
  const status = ui.statusBar.item('brown-lstm-s1');
  await status.waitFor();
  assert.match(await status.innerText(), new RegExp(`brown-lstm-s1 · n${top} ${where}`));
  await ui.screenshot('commands-03-demo-done');

  // Picking another neuron in the view selects it. The view has redrawn since the selection (the
  // top row says "shown"): a row clicked before that runs a command VS Code has already dropped.
  // A redraw under load can still swallow a click: it is clicked again until the status bar says so.
  await neurons.rowSays(`neuron ${top} (${where})`, /shown/);
  const second = result.ordering[1]!;
  await neurons.clickUntil(`neuron ${second} (${neuronLabel(result.sites, second)})`, ui.statusBar.item(`n${second} ${neuronLabel(result.sites, second)}`));
  await ui.screenshot('commands-04-neuron-selected');
});

/**
 * How long the host was held up is a figure, measured by `npm run bench` (bench/host.ts), not a
 * pass/fail: on a shared machine it is mostly other processes holding the CPUs. What does not
 * depend on the machine's load is checked here: the figures are logged, consistent, for this
 * machine's CPUs, and (Linux) the host thread's own CPU time between two 10 ms ticks stays under
 * 250 ms. That is CPU time, which a thread accrues only while it runs: waiting for a CPU behind
 * other processes, however long, adds nothing to it. Exceeding it takes a quarter second of
 * synchronous work on the host thread, e.g. training or a forward pass moved off the worker
 * (a probe epoch here takes seconds); the worst seen on a loaded 2-CPU machine was 21.4 ms.
 */
const HOST_RUN_BOUND_MS = 250;

test("Run Demo logs the host's event-loop delay during its probe", async () => {
  await ui.palette.run('Grain: Show Log');
  await ui.output.line('Run Demo: finished').waitFor();
  await ui.screenshot('commands-04b-grain-log');
  // From the channel's file: in the panel the long line wraps and may be scrolled out of view.
  const text = ui.session.logText(/host event-loop delay/);
  const delay = parseHostDelay(text, 'Run Demo: probe (brown-lstm-s1, brown-universal)');
  assert.ok(delay, `no delay line in the log: ${text.slice(0, 2000)}`);
  console.log(`# host event-loop delay during the probe (a figure; npm run bench host measures it): ${JSON.stringify(delay)}`);
  assert.ok(delay.samples > 0, 'the monitor ran');
  assert.ok(delay.p50Ms <= delay.p99Ms && delay.p99Ms <= delay.maxMs, `p50 ${delay.p50Ms} <= p99 ${delay.p99Ms} <= max ${delay.maxMs}`);
  assert.equal(delay.cpus, availableParallelism());
  if (process.platform === 'linux') {
    assert.ok(delay.maxRunMs !== undefined && delay.worstStall !== undefined, 'Linux: the scheduler figures are there');
    assert.ok(delay.maxRunMs < HOST_RUN_BOUND_MS, `the extension host thread itself ran ${delay.maxRunMs} ms without yielding during the job`);
    assert.ok(delay.worstStall.ranMs <= delay.maxRunMs + 0.1);
  }
});

test('Grain: Choose Model through the palette makes brown-gpt current', async () => {
  const pick = await ui.palette.start('Grain: Choose Model');
  await pick.titled('Grain: Choose Model');
  await pick.pick('brown-gpt', 'brown-gpt');
  await pick.closed();
  await ui.statusBar.shows('brown-gpt');
  await ui.sideBar.open('Grain');
  const models = ui.sideBar.view('Models');
  await models.rowSays('brown-gpt', /current/);
  assert.match(await models.row('brown-gpt').innerText(), /gpt · 5 layers × 256 neurons · current/);
  await ui.screenshot('commands-05-model-chosen');
});

test('Choose Model → Browse... on a folder that is not a model says what is missing', async () => {
  const pick = await ui.palette.start('Grain: Choose Model');
  await pick.titled('Grain: Choose Model');
  await pick.pick('Browse...');
  const dialog = ui.fileDialog;
  await dialog.opened('not-a-model');
  const folder = join(workspace, 'not-a-model');
  await dialog.enter(folder, 'not-a-model');
  assert.equal(await dialog.path(), `${folder}/`);
  await ui.screenshot('commands-06-browse-dialog');
  await dialog.accept('Use This Model');
  const toast = await ui.notifications.toast('not a model folder').shown();
  await ui.screenshot('commands-07-not-a-model');
  // The CLI's words (src/core/model/folder.ts): what is missing first, then the folder (relative).
  assert.match(await toast.text(), /Grain: not a model folder: it has no model\.onnx, nor any other \.onnx file in it or in its onnx\/ subfolder.* — Choose Model failed · not-a-model/);
  // Nothing changed: brown-gpt is still current.
  await ui.statusBar.shows('brown-gpt');
  assert.ok(existsSync(folder));
  // An error toast with an action stays until closed, and VS Code shows at most three toasts.
  await toast.dismiss();
});

test('Grain: Extract Activations for Current File writes .grain/activations and lists it in Datasets', async () => {
  await ui.openFile('notes.txt');
  // VS Code shows at most three toasts: with the neuron statistics' progress and the
  // extraction's own, earlier ones could hide the result's toast.
  await ui.clearNotifications();
  // Focus in the Output panel (Grain's log) makes the log VS Code's active text editor: the
  // command still takes the file in the editor area (a CI run once extracted the log).
  await ui.palette.run('Grain: Show Log');
  await ui.output.focus(/\[info\]/);
  await ui.palette.run('Grain: Extract Activations for Current File');
  // brown-gpt is current (the test above): one sentence of 12 words.
  const toast = await ui.notifications.toast('extracted 12 words').shown(60_000);
  await ui.screenshot('commands-08-extracted');
  const out = join(workspace, '.grain', 'activations', 'notes-brown-gpt.grain');
  assert.match(await toast.text(), /extracted 12 words × \d+ neurons of 1 sentence to .*notes-brown-gpt\.grain/);
  assert.ok(existsSync(out), out);
  await ui.sideBar.open('Grain');
  const datasets = ui.sideBar.view('Datasets');
  await datasets.expand();
  await datasets.row('notes-brown-gpt.grain').waitFor();
});

