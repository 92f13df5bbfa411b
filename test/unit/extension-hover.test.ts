// The editor hover in the `vscode` stand-in on brown-lstm-s1, with the values of the real
// text-activations job (run in-process, against corpus statistics of the first 300 Brown test
// sentences): a word's strongest neurons, the selected neuron's value and rank, the probe's
// prediction, links that run registered commands, and nothing at all where Grain has nothing to
// say (Restricted Mode, whitespace, other languages).
import '../helpers/vscode/register';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as vscode from 'vscode';
import { demoExtensionRoot, editorServices, type EditorServices } from '../helpers/editor-services';
import { fake, REPO } from '../helpers/vscode/control';
import { createExtensionContext, type StandInContext } from '../helpers/vscode/context';
import type { TextDocument } from '../helpers/vscode/documents';
import { Position, Range, type MarkdownString } from '../helpers/vscode/types';
import { CommandRegistry } from '../../src/extension/commands/registry';
import { COMMAND_IDS } from '../../src/extension/commands/ids';
import { registerEditor } from '../../src/extension/editor';
import { runJob } from '../../src/jobs';
import { closeCachedModels } from '../../src/jobs/model-cache';
import type { TextActivationsJob } from '../../src/shared/jobs';
import type { TextActivationsResult } from '../../src/shared/job-results';

const LINE0 = 'The jury said it did find that the election was conducted .';
const LINE1 = 'The city council met on Friday .';
const PROBE = join(REPO, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json');
const probeFile = JSON.parse(readFileSync(PROBE, 'utf8')) as { ordering: number[]; classes: string[] };
const SITES = ['embeddings', 'layer1', 'layer2'];
const title = (id: number) => `neuron ${id} (${SITES[Math.floor(id / 256)]}:${id % 256})`;
// How the hover writes numbers and text (src/extension/editor/hover.ts).
const fmt = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3));
const signed = (z: number) => `${z >= 0 ? '+' : '\u2212'}${Math.abs(z).toFixed(2)}`;
const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);

let extRoot: ReturnType<typeof demoExtensionRoot>;
let ws: string;
let ext: StandInContext;
let es: EditorServices;
let doc: TextDocument;

before(async () => {
  extRoot = demoExtensionRoot(['brown-lstm-s1', 'brown-lstm-s2']);
  ws = mkdtempSync(join(tmpdir(), 'grain-hover-'));
  writeFileSync(join(ws, 'story.txt'), `${LINE0}\n${LINE1}\n`);
  writeFileSync(join(ws, 'settings.json'), '{ "jury": 1 }\n');
  // The probe fixture names its model relative to where it ran: the repository.
  fake.reset({ workspaceFolders: [REPO] });
  ext = createExtensionContext(extRoot.root);
  es = editorServices(extRoot.root, join(ws, '.grain'));
  const commands = new CommandRegistry(es.services.log);
  ext.context.subscriptions.push(commands);
  registerEditor(ext.context, es.services, commands);
  doc = (await fake.openEditor(join(ws, 'story.txt'))).document;
});
after(async () => {
  ext.dispose();
  es.dispose();
  await closeCachedModels();
  extRoot.remove();
  rmSync(ws, { recursive: true, force: true });
});

const jobCtx = { progress() {}, warn() {}, log() {}, signal: new AbortController().signal };

/** Waits until no job is running and no decoration update is pending. */
async function settled(): Promise<void> {
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((r) => setTimeout(r, 30));
    quiet = es.client.started.every((s) => s.settled) ? quiet + 1 : 0;
  }
}

async function hoverText(line: number, character: number): Promise<{ value: string; range?: vscode.Range; trusted: unknown } | undefined> {
  const hovers = await fake.hover(doc, new Position(line, character));
  assert.ok(hovers.length <= 1);
  const h = hovers[0];
  if (!h) return undefined;
  const m = h.contents[0] as MarkdownString;
  return { value: m.value, range: h.range, trusted: m.isTrusted };
}

/** The job the hover should send for line 0, run here: the values it must show. */
async function expectedFor(neurons: number[], probe?: string): Promise<{ job: TextActivationsJob; result: TextActivationsResult }> {
  const stats = es.client.jobs('neuron-stats').at(-1)!.job.out;
  const job: TextActivationsJob = {
    kind: 'text-activations',
    model: join(extRoot.root, 'models', es.services.state.model!),
    lines: [{ line: 0, text: LINE0 }],
    neurons,
    aggregation: 'last',
    subword: false,
    sites: 'layers',
    batchSize: 32,
    threads: 1,
    stats,
    topK: 5,
    probe,
  };
  return { job, result: await runJob(job, jobCtx) };
}

function tableRows(value: string): string[] {
  return value.split('\n').filter((l) => l.startsWith('| neuron'));
}

test("a word's hover lists its five strongest neurons with the values and z-scores the job computes", async () => {
  es.services.state.setModel('brown-lstm-s1');
  const hover = await hoverText(0, 6); // in "jury"
  assert.ok(hover);
  const sent = es.client.jobs('text-activations');
  assert.equal(sent.length, 1, 'one job for the hovered line');
  const { job, result } = await expectedFor([]);
  assert.deepEqual(sent[0]!.job, job);

  const w = result.text.indexOf('jury');
  assert.equal(w, 1);
  assert.ok(hover.range?.isEqual(new Range(0, 4, 0, 8)), 'the hover covers the word');
  assert.ok(hover.value.startsWith(`**Grain** · \`jury\` · ${md('brown-lstm-s1')}\n\n| strongest neurons | value | z | |\n|---|--:|--:|---|\n`), hover.value);
  const rows = tableRows(hover.value);
  assert.equal(rows.length, 5);
  for (let t = 0; t < 5; t++) {
    const id: number = result.topIds[w * 5 + t]!;
    const args = encodeURIComponent(JSON.stringify([id]));
    assert.equal(
      rows[t],
      `| ${md(title(id))} | ${fmt(result.topValues[w * 5 + t]!)} | ${signed(result.topZ[w * 5 + t]!)} | ` +
        `[show](command:grain.showNeuron?${args} "Colour the editor by this neuron") · [pin](command:grain.pinNeuron?${args} "Keep in the heat-map view") · ` +
        `[contexts](command:grain.showContexts?${args} "The corpus sentences where this neuron fires most and least") |`,
    );
  }
  // Strongest first: |z| does not grow down the table.
  const z = Array.from(result.topZ.slice(w * 5, w * 5 + 5), Math.abs);
  assert.deepEqual(z, [...z].sort((a, b) => b - a));
  const stats = JSON.parse(readFileSync(job.stats!, 'utf8')) as { rows: number };
  assert.ok(hover.value.endsWith(`\n*z-scores against ${stats.rows} words of the corpus statistics.*`), hover.value);

  // The same line again reuses what was computed; an edited line is computed again.
  await hoverText(0, 1);
  assert.equal(es.client.jobs('text-activations').length, 1);
  fake.typeAtEndOfLine(doc, 1, ' too');
  await hoverText(0, 6);
  assert.equal(es.client.jobs('text-activations').length, 1, 'line 0 did not change');
  await hoverText(1, 1);
  assert.equal(es.client.jobs('text-activations').at(-1)!.job.lines[0]!.text, `${LINE1} too`);
  assert.deepEqual(fake.messages(), []);
});

test('with a neuron selected and a probe of this model: its value, z and rank, and the probe prediction, from the decorations already computed', async () => {
  es.services.state.setModel('brown-lstm-s1');
  const r = es.services.results.read(PROBE);
  if (r.kind === 'probe') es.services.state.setProbe({ result: r.result, path: PROBE });
  es.services.state.setNeuron({ neuron: 300, site: 'layer1', unit: 44 });
  await settled();
  const jobs = es.client.jobs('text-activations').length;
  const hover = await hoverText(0, 6);
  assert.ok(hover);
  assert.equal(es.client.jobs('text-activations').length, jobs, 'the hover used the decorations: no job of its own');

  const { result } = await expectedFor([300], PROBE);
  const w = 1;
  const rank = probeFile.ordering.indexOf(300) + 1;
  assert.ok(rank > 0);
  const lines = hover.value.split('\n\n');
  assert.equal(lines[1], `Selected **${md(title(300))}**: value **${fmt(result.values[w]!)}**, z ${signed(result.z[w]!)} · rank ${rank} of ${probeFile.ordering.length} in the current probe`);
  const predicted = result.probe!.predicted[w]!;
  assert.equal(lines[2], `Probe: **${md(probeFile.classes[predicted]!)}** (${(100 * result.probe!.probability[w]!).toFixed(1)}%)`);
  assert.equal(probeFile.classes[predicted], 'NOUN', '"jury" is a noun');
  assert.equal(tableRows(hover.value).length, 5);
});

test('the links (show, pin, contexts per row) run commands that exist and the hover trusts: show selects the neuron, pin pins it', async () => {
  const hover = await hoverText(0, 6);
  assert.ok(hover);
  const links = [...hover.value.matchAll(/\]\(command:([\w.]+)\?([^ )]+) "/g)].map((m) => ({ id: m[1]!, args: JSON.parse(decodeURIComponent(m[2]!)) as unknown[] }));
  assert.equal(links.length, 15);
  assert.deepEqual([...new Set(links.map((l) => l.id))].sort(), ['grain.pinNeuron', 'grain.showContexts', 'grain.showNeuron']);
  const trusted = (hover.trusted as { enabledCommands: string[] }).enabledCommands;
  for (const l of links) {
    // Show Top Contexts is registered beside the editor (commands/contexts.ts), not by it.
    if (l.id === 'grain.showContexts') assert.ok((COMMAND_IDS as readonly string[]).includes(l.id), `${l.id} is a Grain command`);
    else assert.ok(fake.state.commands.has(l.id), `${l.id} is registered`);
    assert.ok(trusted.includes(l.id), `${l.id} is enabled in the hover`);
  }
  const pin = links.find((l) => l.id === 'grain.pinNeuron')!;
  const id = pin.args[0] as number;
  await vscode.commands.executeCommand(pin.id, ...pin.args);
  assert.equal(fake.state.statusBarMessages.at(-1), `Grain: pinned neuron ${id} in the heat-map view`);
  const again = await hoverText(0, 6);
  const pinnedRow = tableRows(again!.value).find((row) => row.startsWith(`| ${md(title(id))} |`))!;
  assert.match(pinnedRow, /\[unpin\]\(command:grain\.pinNeuron\?.* "Remove from the heat-map view"\)/);

  const show = links.find((l) => l.id === 'grain.showNeuron' && l.args[0] !== 300)!;
  await vscode.commands.executeCommand(show.id, ...show.args);
  assert.equal(es.services.state.neuron?.neuron, show.args[0]);
  await settled();
  es.services.state.setNeuron({ neuron: 300, site: 'layer1', unit: 44 });
  await settled();
});

test('a probe of another model gives no prediction, and the hover says why', async () => {
  es.services.state.setModel('brown-lstm-s2');
  await settled();
  const hover = await hoverText(0, 6);
  assert.ok(hover);
  assert.ok(hover.value.includes(`*No probe prediction: ${md('the current probe is of brown-lstm-s1, not brown-lstm-s2')}.*`), hover.value);
  assert.doesNotMatch(hover.value, /Probe: \*\*/);
  // The job for brown-lstm-s2 carried no probe file.
  assert.equal(es.client.jobs('text-activations').at(-1)!.job.probe, undefined);
  es.services.state.setModel('brown-lstm-s1');
  await settled();
});

test('Restricted Mode says why a word has no neurons, with the trust link; whitespace and other languages: no hover; no job, no message', async () => {
  const jobs = es.client.started.length;
  const messages = fake.messages().length;
  fake.state.trusted = false;
  try {
    const restricted = await hoverText(0, 6);
    assert.equal(
      restricted?.value,
      '**Grain** · no neurons here: hovers run the model on this text, which Restricted Mode does not allow. [Manage Workspace Trust](command:workbench.trust.manage "Trust this workspace to run models on its files")',
    );
    assert.deepEqual(restricted.trusted, { enabledCommands: ['workbench.trust.manage'] }, 'only the trust command runs from it');
  } finally {
    fake.state.trusted = true;
  }
  assert.deepEqual(await fake.hover(doc, new Position(0, 3)), [], 'between two words');
  const json = (await fake.openEditor(join(ws, 'settings.json'))).document;
  assert.deepEqual(await fake.hover(json, new Position(0, 4)), [], 'JSON is not a heat-map language');
  await fake.openEditor(join(ws, 'story.txt'));
  assert.equal(es.client.started.length, jobs);
  assert.equal(fake.messages().length, messages);
});

test('a failing job: no hover, and one message however often it fails', async () => {
  es.client.fail.set('text-activations', { kind: 'internal', message: 'onnxruntime: bad allocation' });
  try {
    fake.typeAtEndOfLine(doc, 1, ' again');
    await settled();
    const before = fake.messages('error').length;
    assert.equal(await hoverText(1, 1), undefined);
    fake.typeAtEndOfLine(doc, 1, '!');
    assert.equal(await hoverText(1, 1), undefined);
    await settled();
    const shown = fake.messages('error').slice(before).map((m) => m.message);
    assert.ok(shown.length <= 1, shown.join('\n'));
    assert.ok(fake.messages('error').some((m) => /^Grain: onnxruntime: bad allocation — (Hover|Heat-map decorations) failed$/.test(m.message)));
    assert.ok(es.log.text('error').filter((l) => l.endsWith('onnxruntime: bad allocation')).length >= 2);
  } finally {
    es.client.fail.clear();
  }
});
