// What the extension keeps and shows between features, in the `vscode` stand-in: GrainState's
// persistence, the status bar text, the editor's per-line cache (LineCache), which probe
// applies to which model (probeFor, sameModel through links and relative paths), and pins.
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fake, REPO } from '../helpers/vscode/control';
import { Memento } from '../helpers/vscode/context';
import { Range } from '../helpers/vscode/types';
import { GrainState, type NeuronRef } from '../../src/extension/state';
import { createStatusBar } from '../../src/extension/status-bar';
import { LineCache, requestKey, type LineRequest } from '../../src/extension/editor/analysis';
import { probeFor } from '../../src/extension/editor/documents';
import { Pins } from '../../src/extension/editor/pins';
import { readResult } from '../../src/results/read';
import { runJob } from '../../src/jobs';
import { closeCachedModels } from '../../src/jobs/model-cache';
import type { ProbeResult } from '../../src/shared/results';

const LSTM = join(REPO, 'models', 'brown-lstm-s1');
const PROBE = join(REPO, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');
const probeResult = (): ProbeResult => {
  const r = readResult(PROBE);
  assert.equal(r.kind, 'probe');
  return r.result as ProbeResult;
};

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'grain-state-'));
});
after(async () => {
  await closeCachedModels();
  rmSync(tmp, { recursive: true, force: true });
});

test('GrainState keeps the model, neuron and probe path in the workspace state, and a new window reads them back', () => {
  fake.reset();
  const memento = new Memento();
  const state = new GrainState(memento);
  const seen: string[] = [];
  state.onDidChangeModel((m) => seen.push(`model ${m}`));
  state.onDidChangeNeuron((n) => seen.push(`neuron ${n?.neuron}`));
  state.onDidChangeProbe((p) => seen.push(`probe ${p?.path}`));

  state.setModel(LSTM);
  state.setModel(LSTM);
  const neuron: NeuronRef = { neuron: 300, site: 'layer1', unit: 44 };
  state.setNeuron(neuron);
  state.setProbe({ result: probeResult(), path: PROBE });
  assert.deepEqual(seen, [`model ${LSTM}`, 'neuron 300', `probe ${PROBE}`], 'the same model twice is one change');
  assert.equal(memento.writes.length, 3, 'one write per change');
  // Only the path of the probe is stored, not the result (hundreds of kB).
  assert.deepEqual(memento.get('grain.state'), { model: LSTM, neuron, probePath: PROBE });
  assert.ok(memento.writes.at(-1)!.json!.length < 500);

  const reloaded = new GrainState(memento);
  assert.equal(reloaded.model, LSTM);
  assert.deepEqual(reloaded.neuron, neuron);
  assert.equal(reloaded.probePath, PROBE);
  assert.equal(reloaded.probe, undefined, 'the probe itself is read again by activate()');

  state.setProbe(undefined);
  state.setNeuron(undefined);
  assert.deepEqual(memento.get('grain.state'), { model: LSTM });
  state.dispose();
  reloaded.dispose();
});

test('the status bar says the current model (with its variant) and the selected neuron, and opens Choose Model', () => {
  fake.reset();
  const state = new GrainState(new Memento());
  const disposable = createStatusBar(state);
  const item = fake.statusBarItem('grain.status');
  assert.deepEqual([item.text, item.command, item.visible, item.name], ['$(pulse) no model', 'grain.chooseModel', true, 'Grain']);
  assert.equal(item.tooltip, 'Grain: no model chosen\nClick to choose a model');

  // A neuron without a model colours nothing, and the tooltip says so.
  state.setNeuron({ neuron: 300, site: 'layer1', unit: 44 });
  assert.equal(item.tooltip, 'Grain: no model chosen\nneuron 300 (layer1:44) is selected but not shown: no model is current, so nothing colours the editor. Choose a model (click).\nClick to choose a model');
  state.setModel(LSTM);
  assert.equal(item.text, '$(pulse) brown-lstm-s1 · n300 layer1:44');
  assert.equal(item.tooltip, `Grain: ${LSTM}\nneuron 300 (layer1:44) colours the words of plaintext editors (grain.decorations.languages).\nClick to choose a model`);
  // A variant that is not the folder's default is named.
  const quantized = join(REPO, 'test', 'fixtures', 'models', 'transformersjs-bert', 'onnx', 'model_quantized.onnx');
  state.setModel(quantized);
  assert.equal(item.text, '$(pulse) transformersjs-bert · model_quantized · n300 layer1:44');
  state.setModel(join(REPO, 'test', 'fixtures', 'models', 'transformersjs-bert', 'onnx', 'model.onnx'));
  assert.equal(item.text, '$(pulse) transformersjs-bert · n300 layer1:44', 'the default variant is the folder');

  disposable.dispose();
  assert.equal(item.disposed, true);
  state.setModel(LSTM);
  assert.equal(item.text, '$(pulse) transformersjs-bert · n300 layer1:44', 'no updates after dispose');
  state.dispose();
});

test('LineCache keeps each line of a job result while the line reads the same, and keys requests by everything that changes values', async () => {
  fake.reset();
  const lines = ['The jury said it did find that the election was conducted .', '', 'It was a long day for the county .'];
  const editor = await fake.openEditor({ content: lines.join('\n'), language: 'plaintext' });
  const doc = editor.document;
  const req: LineRequest = { model: { dir: LSTM, name: 'brown-lstm-s1' }, wanted: [300, 5], subword: false, topK: 3 };
  const ctx = { progress() {}, warn() {}, log() {}, signal: new AbortController().signal };
  const res = await runJob(
    { kind: 'text-activations', model: LSTM, lines: lines.map((text, line) => ({ line, text })), neurons: [300, 5], aggregation: 'last', subword: false, sites: 'layers', batchSize: 8, threads: 1, topK: 3 },
    ctx,
  );
  const cache = new LineCache(requestKey(req), req);
  cache.add(res, new Map(lines.map((t, l) => [l, t])));

  const first = cache.valid(doc, 0)!;
  assert.deepEqual(first.word, lines[0]!.split(' '));
  const n0 = first.word.length;
  assert.deepEqual(Array.from(first.values), Array.from(res.values.slice(0, 2 * n0)));
  assert.deepEqual(Array.from(first.start), Array.from(res.start.slice(0, n0)));
  const third = cache.valid(doc, 2)!;
  assert.deepEqual(third.word, lines[2]!.split(' '));
  assert.deepEqual(Array.from(third.topIds), Array.from(res.topIds.slice(3 * n0, 3 * (n0 + third.word.length))));
  assert.deepEqual(Array.from(third.values), Array.from(res.values.slice(2 * n0, 2 * (n0 + third.word.length))));
  assert.equal(cache.valid(doc, 1)!.word.length, 0, 'an empty line is computed, with no words');
  assert.equal(cache.valid(doc, 3), undefined, 'past the end');

  fake.edit(doc, new Range(2, 0, 2, 2), 'This');
  assert.equal(cache.valid(doc, 2), undefined, 'an edited line is stale');
  assert.ok(cache.valid(doc, 0), 'the others stay');

  const key = requestKey(req);
  const variants: LineRequest[] = [
    { ...req, model: { dir: join(REPO, 'models', 'brown-gpt'), name: 'brown-gpt' } },
    { ...req, stats: { path: '/s.json', siteInfo: [], neurons: 768, rows: 1 } },
    { ...req, wanted: [300] },
    { ...req, subword: true },
    { ...req, topK: 5 },
    { ...req, probe: PROBE },
  ];
  for (const v of variants) assert.notEqual(requestKey(v), key, JSON.stringify(v));
  assert.equal(requestKey({ ...req, model: { ...req.model, name: 'renamed' } }), key, 'the display name changes no value');
});

test('probeFor: the current probe applies to the model it was trained on, through links and workspace-relative paths, and says why not otherwise', () => {
  const link = join(tmp, 'my-lstm');
  symlinkSync(LSTM, link, 'dir');
  const probe = { result: probeResult(), path: PROBE };
  assert.equal(probe.result.source.model, 'models/brown-lstm-s1', 'the fixture names its model relative to where it ran');

  fake.reset({ workspaceFolders: [REPO] });
  assert.equal(probeFor(undefined, { dir: LSTM, name: 'brown-lstm-s1' }), undefined);
  assert.equal(probeFor(probe, { dir: LSTM, name: 'brown-lstm-s1' }), probe);
  assert.equal(probeFor(probe, { dir: link, name: 'my-lstm' }), probe, 'a link to the same folder is the same model');
  assert.equal(probeFor(probe, { dir: join(LSTM, 'model.onnx'), name: 'brown-lstm-s1' }), probe, 'the folder and its default graph are the same model');
  assert.deepEqual(probeFor(probe, { dir: join(REPO, 'models', 'brown-lstm-s2'), name: 'brown-lstm-s2' }), { skipped: 'the current probe is of brown-lstm-s1, not brown-lstm-s2' });

  // In another workspace the relative path names another folder.
  fake.reset({ workspaceFolders: [tmp] });
  const elsewhere = probeFor(probe, { dir: LSTM, name: 'brown-lstm-s1' });
  assert.ok(elsewhere && 'skipped' in elsewhere);
  assert.match(elsewhere.skipped, /^the current probe is of brown-lstm-s1, not /);
  // A result that names no model applies to any.
  const anonymous = { result: { ...probe.result, source: { ...probe.result.source, model: undefined } }, path: PROBE } as typeof probe;
  assert.equal(probeFor(anonymous, { dir: join(REPO, 'models', 'brown-gpt'), name: 'brown-gpt' }), anonymous);
});

test('pins are kept per workspace, toggled, deduplicated, and bad stored values are ignored', () => {
  fake.reset();
  const memento = new Memento();
  void memento.update('grain.pinnedNeurons', [3, 'x', -1, 2.5, 7, null]);
  const pins = new Pins(memento);
  assert.deepEqual(pins.all, [3, 7]);
  const fired: number[][] = [];
  pins.onDidChange((ids) => fired.push(ids));
  assert.equal(pins.toggle(12), true);
  assert.equal(pins.toggle(3), false);
  pins.set([5, 5, 9]);
  assert.deepEqual(fired, [[3, 7, 12], [7, 12], [5, 9]]);
  assert.deepEqual(new Pins(memento).all, [5, 9]);
  pins.dispose();
});
