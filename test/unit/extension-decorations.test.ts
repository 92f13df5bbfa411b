// The heat-map decorations in the `vscode` stand-in, on brown-lstm-s1 with the real
// text-activations job run in-process and held until the test lets it finish; time is node:test's
// mock clock. What is drawn (each word's layers by its z-score's bin), what is sent (only the
// lines whose text changed, or the visible lines of a large file), when (300 ms after the last
// edit, 150 ms after the last scroll), and what is thrown away (superseded and cancelled runs).
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, mock, test } from 'node:test';
import { demoExtensionRoot, editorServices, type EditorServices } from '../helpers/editor-services';
import type { StartedJob } from '../helpers/in-process-worker';
import { fake, REPO } from '../helpers/vscode/control';
import type { TextEditor } from '../helpers/vscode/documents';
import { heatBin } from '../../src/core/heat/z-scores';
import { EditorAnalysis } from '../../src/extension/editor/analysis';
import { HeatDecorations } from '../../src/extension/editor/decorations';
import { closeCachedModels } from '../../src/jobs/model-cache';
import type { TextActivationsJob } from '../../src/shared/jobs';
import type { TextActivationsResult } from '../../src/shared/job-results';

const BROWN = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n');
const SMALL = BROWN.slice(0, 3);
const LARGE = BROWN.slice(0, 300);
const NEURON = { neuron: 300, site: 'layer1', unit: 44 };

let extRoot: ReturnType<typeof demoExtensionRoot>;
let ws: string;
let es: EditorServices;
let decorations: HeatDecorations | undefined;
/** This HeatDecorations' palette: positive[k], negative[k] (k = 0..4), notComputed. */
let palette: { positive: unknown[]; negative: unknown[]; notComputed: unknown };

before(async () => {
  extRoot = demoExtensionRoot(['brown-lstm-s1']);
  ws = mkdtempSync(join(tmpdir(), 'grain-decorations-'));
  writeFileSync(join(ws, 'small.txt'), SMALL.join('\n') + '\n');
  writeFileSync(join(ws, 'large.txt'), LARGE.join('\n') + '\n');
  writeFileSync(join(ws, 'data.json'), '{ "words": "The jury said" }\n');
  fake.reset({ workspaceFolders: [ws] });
  es = editorServices(extRoot.root, join(ws, '.grain'));
  es.services.state.setModel('brown-lstm-s1');
  // Corpus statistics once, on the real clock; later runs reuse the file.
  const analysis = new EditorAnalysis(es.services, es.globalStorage);
  assert.ok(await analysis.ensureStats(analysis.model()!));
});
after(async () => {
  es.dispose();
  await closeCachedModels();
  extRoot.remove();
  rmSync(ws, { recursive: true, force: true });
});

beforeEach(() => {
  fake.reset({ workspaceFolders: [ws] });
  es.services.state.setNeuron(undefined);
  es.client.hold.add('text-activations');
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(async () => {
  decorations?.dispose();
  decorations = undefined;
  for (const s of es.client.started) if (!s.settled) await s.release();
  es.client.started.length = 0;
  es.client.hold.clear();
  mock.timers.reset();
});

function start(): HeatDecorations {
  const before = fake.state.decorationTypes.length;
  decorations = new HeatDecorations(es.services, new EditorAnalysis(es.services, es.globalStorage));
  const types = fake.state.decorationTypes.slice(before);
  assert.equal(types.length, 11);
  const colour = (t: (typeof types)[number]) => (t.options.backgroundColor as { id?: string } | undefined)?.id;
  palette = {
    positive: types.filter((t) => colour(t) === 'grain.heat.positive'),
    negative: types.filter((t) => colour(t) === 'grain.heat.negative'),
    notComputed: types.find((t) => t.options.textDecoration === 'underline dotted'),
  };
  return decorations;
}

/** Lets `ms` of mock time pass, then the promise chains it started run (real I/O included). */
async function elapse(ms: number): Promise<void> {
  mock.timers.tick(ms);
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** Waits (real time, bounded) until `n` text-activations jobs have started. */
async function jobsStarted(n: number): Promise<(StartedJob & { job: TextActivationsJob })[]> {
  const deadline = Date.now() + 20_000;
  while (es.client.jobs('text-activations').length < n) {
    if (Date.now() > deadline) throw new Error(`${es.client.jobs('text-activations').length} text-activations jobs started, waited for ${n}`);
    await new Promise((r) => setImmediate(r));
  }
  return es.client.jobs('text-activations');
}

/** Lets a held job finish and the decorations draw its result. */
async function finish(job: StartedJob): Promise<TextActivationsResult> {
  await job.release();
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  return job.result as TextActivationsResult;
}

/** How many heat layers of each sign cover the word at line:start-end. */
function layers(editor: TextEditor, line: number, start: number, end: number): { positive: number; negative: number } {
  const covers = (type: unknown) => (editor.decorations.get(type as never) ?? []).some((r) => r.start.line === line && r.start.character === start && r.end.character === end);
  return { positive: palette.positive.filter(covers).length, negative: palette.negative.filter(covers).length };
}

/** Every word of the result is drawn with as many layers as its bin, of its sign. */
function assertDrawn(editor: TextEditor, result: TextActivationsResult, lines: Set<number>): number {
  let coloured = 0;
  for (let r = 0; r < result.rows; r++) {
    const line = result.line[r]!;
    if (!lines.has(line)) continue;
    const bin = heatBin(result.z[r]!);
    const got = layers(editor, line, result.start[r]!, result.end[r]!);
    assert.deepEqual(got, { positive: Math.max(bin, 0), negative: Math.max(-bin, 0) }, `${result.text[r]} at ${line}:${result.start[r]} (z ${result.z[r]})`);
    if (bin !== 0) coloured++;
  }
  return coloured;
}

const rangesOnLine = (editor: TextEditor, line: number) => [...palette.positive, ...palette.negative].flatMap((t) => editor.decorations.get(t as never) ?? []).filter((r) => r.start.line === line).length;

test('a selected neuron colours every word of a small file by the bin of its z-score', async () => {
  const editor = await fake.openEditor(join(ws, 'small.txt'));
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  const [job] = await jobsStarted(1);
  assert.deepEqual(job!.job.lines, SMALL.map((text, line) => ({ line, text })).concat([{ line: 3, text: '' }]));
  assert.deepEqual(job!.job.neurons, [300]);
  assert.equal(job!.job.topK, 5);
  const heat = fake.statusBarItem('grain.heat');
  assert.deepEqual([heat.visible, heat.text], [true, '$(sync~spin) layer1:44']);

  const result = await finish(job!);
  const coloured = assertDrawn(editor, result, new Set([0, 1, 2]));
  assert.ok(coloured >= 10, `${coloured} words coloured`);
  assert.equal(heat.visible, false, 'idle on a small file: the status item has nothing to add');
  // Clearing the neuron clears the editor.
  es.services.state.setNeuron(undefined);
  await elapse(0);
  assert.equal(rangesOnLine(editor, 0) + rangesOnLine(editor, 1), 0);
});

test('typing is debounced: 300 ms after the last key, only the edited line is computed; the others keep their colours', async () => {
  const editor = await fake.openEditor(join(ws, 'small.txt'));
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  const first = await finish((await jobsStarted(1))[0]!);
  const line0 = rangesOnLine(editor, 0);
  assert.ok(line0 > 0 && rangesOnLine(editor, 1) > 0);

  for (const word of [' And', ' then', ' more']) {
    fake.typeAtEndOfLine(editor.document, 1, word);
    await elapse(100);
  }
  assert.equal(es.client.jobs('text-activations').length, 1, 'no job while typing');
  // Redrawn at once: the edited line loses its stale colours, line 0 keeps its.
  assert.equal(rangesOnLine(editor, 1), 0);
  assert.equal(rangesOnLine(editor, 0), line0);
  await elapse(199);
  assert.equal(es.client.jobs('text-activations').length, 1, '299 ms after the last key');
  await elapse(1);
  const [, second] = await jobsStarted(2);
  assert.deepEqual(second!.job.lines, [{ line: 1, text: `${SMALL[1]} And then more` }]);
  const result = await finish(second!);
  assertDrawn(editor, result, new Set([1]));
  assertDrawn(editor, first, new Set([0, 2]));
});

test('a newer edit cancels the running job; a result for a request that was replaced meanwhile is not drawn', async () => {
  const editor = await fake.openEditor(join(ws, 'small.txt'));
  const updates: string[] = [];
  start().onDidUpdate((uri) => updates.push(uri.fsPath));
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  await finish((await jobsStarted(1))[0]!);
  assert.deepEqual(updates, [join(ws, 'small.txt')]);

  fake.typeAtEndOfLine(editor.document, 0, ' x');
  await elapse(300);
  const [, pending] = await jobsStarted(2);
  fake.typeAtEndOfLine(editor.document, 0, 'y');
  await elapse(300);
  const [, , third] = await jobsStarted(3);
  assert.equal(pending!.cancelled, true, 'the superseded run was cancelled');
  assert.deepEqual(third!.job.lines, [{ line: 0, text: `${SMALL[0]} xy` }]);

  // The settings change while the run is out: its result belongs to the old request.
  fake.setSetting('grain.aggregation', 'average');
  await finish(third!);
  assert.equal(rangesOnLine(editor, 0), 0, 'the old request was not drawn');
  assert.equal(updates.length, 1, 'nor announced to the hovers and the heat-map view');
  await elapse(0);
  const [, , , fourth] = await jobsStarted(4);
  assert.equal(fourth!.job.aggregation, 'average');
  assert.equal(fourth!.job.lines.length, 4, 'a new request computes every line again');
  const result = await finish(fourth!);
  assertDrawn(editor, result, new Set([0, 1, 2]));
  assert.equal(updates.length, 2);
});

test('a large file is coloured around the visible lines, following the scroll (150 ms debounce), and the user is told once', async () => {
  fake.setSetting('grain.decorations.maxFileSize', 2000);
  const editor = await fake.openEditor(join(ws, 'large.txt'), { start: 0, end: 39 });
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  const [first] = await jobsStarted(1);
  assert.deepEqual(first!.job.lines.map((l) => l.line), Array.from({ length: 80 }, (_, i) => i), 'visible lines 0-39 and 40 below');
  const told = fake.messages('info').filter((m) => /is larger than grain\.decorations\.maxFileSize/.test(m.message));
  assert.equal(told.length, 1);
  assert.equal(told[0]!.message, 'Grain: large.txt is larger than grain.decorations.maxFileSize (2000 characters): only the visible lines (± 40) are coloured, following the scroll.');
  assert.deepEqual(told[0]!.items, ['Decorate visible range']);
  const heat = fake.statusBarItem('grain.heat');
  assert.equal(heat.text, '$(sync~spin) layer1:44 (visible lines)');
  const result = await finish(first!);
  assertDrawn(editor, result, new Set(Array.from({ length: 80 }, (_, i) => i)));
  assert.deepEqual([heat.visible, heat.text, heat.command], [true, '$(flame) layer1:44 (visible lines)', 'grain.decorateVisibleRange']);

  fake.scroll(editor, 100, 139);
  await elapse(100);
  fake.scroll(editor, 150, 189);
  await elapse(149);
  assert.equal(es.client.jobs('text-activations').length, 1, 'still scrolling');
  await elapse(1);
  const [, second] = await jobsStarted(2);
  // 110-229 around the new view; 0-79 are done.
  assert.deepEqual(second!.job.lines.map((l) => l.line), Array.from({ length: 120 }, (_, i) => 110 + i));
  await finish(second!);
  assert.equal(fake.messages('info').filter((m) => /maxFileSize/.test(m.message)).length, 1, 'told once per file');
});

test('closing a document cancels its job and forgets its results', async () => {
  const editor = await fake.openEditor(join(ws, 'small.txt'));
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  const [job] = await jobsStarted(1);
  fake.closeDocument(editor.document);
  assert.equal(job!.cancelled, true);
  await job!.release();
  // Opened again: computed from scratch.
  await fake.openEditor(join(ws, 'small.txt'));
  await elapse(0);
  const [, again] = await jobsStarted(2);
  assert.equal(again!.job.lines.length, 4);
  assert.deepEqual(fake.messages('error'), [], 'a cancelled job is no error');
});

test('Restricted Mode computes nothing; trusting the workspace colours the file', async () => {
  const editor = await fake.openEditor(join(ws, 'small.txt'));
  fake.state.trusted = false;
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  await elapse(0);
  assert.equal(es.client.started.length, 0);
  assert.equal(fake.statusBarItem('grain.heat').visible, false);
  assert.deepEqual(fake.messages(), [], 'nothing to say about it');
  fake.grantTrust();
  await elapse(0);
  const [job] = await jobsStarted(1);
  const result = await finish(job!);
  assertDrawn(editor, result, new Set([0, 1, 2]));
});

test('a document in another language is not decorated', async () => {
  const editor = await fake.openEditor(join(ws, 'data.json'));
  assert.equal(editor.document.languageId, 'json');
  start();
  es.services.state.setNeuron(NEURON);
  await elapse(0);
  await elapse(0);
  assert.equal(es.client.jobs('text-activations').length, 0);
  // Cleared rather than left alone: every heat layer set to nothing.
  for (const t of [...palette.positive, ...palette.negative]) assert.deepEqual(editor.decorations.get(t as never), []);
});
