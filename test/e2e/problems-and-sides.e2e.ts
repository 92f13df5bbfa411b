// Probe errors as problems and two models side by side, in a real VS Code. The demo probe of
// brown-lstm-s1 (Run Demo) marks its wrong predictions on a CoNLL-U file of held-out Brown test
// sentences: the Problems panel's entries and their count are what the same job computes here,
// and the quick fix lists the word's strongest neurons; an edit on disk is followed; a NeuroX
// sentence file with its labels file is marked the same way, and a file of labels the probe does
// not know is said so and left unmarked. The Heat Map view puts brown-lstm-s2
// beside brown-lstm-s1: the partner of a neuron and its r as computed here on the same lines, then
// as a saved correlation result names it; diff mode and its table by keyboard; light, dark and
// high-contrast themes. Deleting the probe (Analyses view) clears every probe error.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { conlluDocument } from '../../src/core/corpus/labelled-document';
import type { JobContext } from '../../src/jobs/context';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runNeuronPartner } from '../../src/jobs/neuron-partner';
import { runNeuronStats } from '../../src/jobs/neuron-stats';
import { runProbePredictions } from '../../src/jobs/probe-predictions';
import { neuronLabel, neuronTitle } from '../../src/shared/neurons';
import { classifierResult, type ProbeResult } from '../../src/shared/results';
import { brownTestConllu } from '../fixtures/brown-conllu';
import { REPO, TIMEOUTS, type VsCodeSession, useWorkbench } from './harness';
import { Workbench, waitFor } from './pages/workbench';

/** Upper bound for Run Demo's probe and the corpus statistics (~25 s on 2 cores). */
const DEMO_TIMEOUT = 180_000;
const CONLLU_SENTENCES = 40;
/** layer1:144 of brown-lstm-s1: a dense neuron with a clear partner in brown-lstm-s2 (r about 0.75 on these lines). */
const NEURON = 400;
const NEURON_LABEL = 'layer1:144';
const TEXT = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n').slice(20, 32).join('\n') + '\n';

const ctx = (): JobContext => ({ progress: () => {}, warn: () => {}, log: () => {}, signal: new AbortController().signal });

let session: VsCodeSession;
let workspace: string;
const scratch = mkdtempSync(join(tmpdir(), 'grain-e2e-expected-'));

useWorkbench(
  'problems-sides-',
  (ws) => {
    writeFileSync(join(ws, 'brown.txt'), TEXT);
  },
  (s, ws) => {
    session = s;
    workspace = ws;
  },
  async () => {
    await closeCachedModels();
  },
);
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A palette command that opens a quick pick of its own (runCommand would wait for the palette to close). */
async function startCommand(title: string, pickTitle: string): Promise<void> {
  const page = session.page;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) }).first();
  for (let tries = 0; ; tries++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (tries > 5) throw err;
    }
  }
  await row.click();
  await widget.locator('.quick-input-title', { hasText: pickTitle }).waitFor({ timeout: 120_000 });
}

/**
 * Opens a workspace file from the Explorer: Quick Open's file index may not list a file written
 * a moment ago. A double click keeps its tab (not a preview the next file replaces), so the
 * document stays open and its probe errors stay followed.
 */
async function openFromExplorer(name: string): Promise<void> {
  const page = session.page;
  await page.keyboard.press('Control+Shift+E');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*$`) }).first();
  await row.waitFor();
  await row.dblclick();
  await page.locator('.tab.active:not(.preview)', { hasText: name }).waitFor();
}

function statusItem(text: RegExp) {
  return session.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

/** The demo probe's result file in the workspace. */
function demoProbe(): { path: string; result: ProbeResult } {
  const dir = join(workspace, '.grain');
  const name = readdirSync(dir).find((f) => /^probe-brown-lstm-s1-brown-universal-.*\.json$/.test(f));
  assert.ok(name, `a demo probe in ${dir}`);
  const path = join(dir, name);
  return { path, result: JSON.parse(readFileSync(path, 'utf8')) as ProbeResult };
}

test('Problems: the demo probe of brown-lstm-s1 on a CoNLL-U file of Brown test sentences; the quick fix lists the word\'s strongest neurons', async (t) => {
  const page = session.page;
  await statusItem(/no model|brown/).waitFor();
  await new Workbench(session).palette.run('Grain: Run Demo');
  await page.locator('.tab', { hasText: 'demo.txt' }).waitFor({ timeout: DEMO_TIMEOUT });
  const probe = demoProbe();

  const brown = await brownTestConllu(CONLLU_SENTENCES);
  writeFileSync(join(workspace, 'brown-test.conllu'), brown.text);
  await openFromExplorer('brown-test.conllu');
  await new Workbench(session).palette.run('Grain: Show Probe Errors');

  // What the same job gives here, with statistics of the demo corpus as the extension computes them.
  const stats = join(scratch, 'stats.json');
  const model = join(REPO, 'models', 'brown-lstm-s1');
  await runNeuronStats({ kind: 'neuron-stats', model, corpus: join(REPO, 'models', 'brown-test-2000.txt'), out: stats, aggregation: 'last', sites: 'layers', batchSize: 32, threads: 1 }, ctx());
  const expected = await runProbePredictions(
    { kind: 'probe-predictions', model, probe: probe.path, sentences: brown.words, labels: brown.upos, stats, batchSize: 32, threads: 1 },
    ctx(),
  );
  const doc = conlluDocument(brown.text, 'brown-test.conllu');
  const ranges = doc.ranges.flat();
  const labels = brown.upos.flat();
  const wrong: { row: number; message: string }[] = [];
  for (let r = 0; r < expected.rows; r++) {
    if (expected.predicted[r] !== expected.gold[r]) {
      wrong.push({ row: r, message: `predicted ${expected.classes[expected.predicted[r]]}, gold ${labels[r]}, p=${expected.probability[r].toFixed(2)}` });
    }
  }
  assert.equal(expected.known, expected.rows, 'every word has one of the probe\'s 12 universal tags');
  assert.ok(wrong.length > 0 && wrong.length < expected.rows * 0.2, `${wrong.length} errors in ${expected.rows} words`);
  t.diagnostic(
    `demo probe (${(100 * classifierResult(probe.result).test.accuracy).toFixed(2)}% on its Brown test part) on ${CONLLU_SENTENCES} Brown test sentences: ` +
      `${wrong.length} errors in ${expected.rows} words, accuracy ${((100 * expected.correct) / expected.known).toFixed(2)}%; ` +
      `the first: '${brown.words.flat()[wrong[0].row]}' (line ${ranges[wrong[0].row].line + 1}) ${wrong[0].message}`,
  );

  // The status item counts them; the Problems panel lists them with the texts computed here.
  await statusItem(new RegExp(`^\\s*${wrong.length} probe errors?\\s*$`)).waitFor({ timeout: 60_000 });
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row', { hasText: /predicted / });
  await rows.first().waitFor();
  const shown = await rows.allInnerTexts();
  const messages = new Set(wrong.map((w) => w.message));
  for (const text of shown) {
    const m = /predicted \S+, gold \S+, p=\d\.\d\d/.exec(text);
    assert.ok(m && messages.has(m[0]), `a Problems entry computed here: ${text}`);
  }
  assert.ok(shown.length >= Math.min(5, wrong.length), `Problems entries shown: ${shown.length}`);
  assert.ok(shown.some((s) => s.includes(wrong[0].message)), `the first error first: ${wrong[0].message}`);
  // The file's row in the Problems panel counts its entries.
  const fileRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'brown-test.conllu' }).first();
  assert.match((await fileRow.innerText()).replace(/\s+/g, ' '), new RegExp(`brown-test\\.conllu.*\\b${wrong.length}\\b`));
  await session.screenshot('problems-sides-01-problems');

  // The quick fix on the first wrong word: Go to Line/Column, then Ctrl+.
  const first = wrong[0];
  const at = ranges[first.row];
  await page.locator('.editor-instance .monaco-editor .view-lines').last().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  // Ctrl+G opens the quick input in its Go to Line mode (prefix ':').
  await input.fill(`:${at.line + 1}:${at.start + 1}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: `Show the strongest neurons of '${brown.words.flat()[first.row]}'` }).first();
  await action.waitFor();
  await session.screenshot('problems-sides-02-quick-fix');
  // The preferred fix is focused: Enter applies it.
  assert.match((await action.getAttribute('class')) ?? '', /\bfocused\b/);
  await page.keyboard.press('Enter');
  const pick = page.locator('.quick-input-widget');
  const title = pick.locator('.quick-input-title', { hasText: 'strongest neurons of' });
  await title.waitFor();
  assert.match(await title.innerText(), new RegExp(first.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const k = expected.topK;
  const ids = Array.from(expected.topIds.subarray(first.row * k, first.row * k + k));
  const items = pick.locator('.quick-input-list .monaco-list-row');
  await waitFor('the word\'s neurons', () => items.count(), (n) => n >= ids.length);
  // As the hover lists them: the neuron, its value and its z-score against the corpus statistics.
  const shownItems = (await items.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  const signed = (z: number) => `${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(2)}`;
  assert.deepEqual(
    shownItems.slice(0, ids.length),
    // (the row runs the label and its description together)
    ids.map((id, j) => `${neuronTitle(expected.siteInfo, id)}value ${expected.topValues[first.row * k + j].toFixed(3)} · z ${signed(expected.topZ[first.row * k + j])}`),
  );
  await session.screenshot('problems-sides-03-word-neurons');
  await page.keyboard.press('Escape');

  // The file changes (on disk; the open editor follows): the word's gold label is now the probe's class, one error fewer.
  const lines = brown.text.split('\n');
  const cols = lines[at.line].split('\t');
  cols[3] = expected.classes[expected.predicted[first.row]];
  lines[at.line] = cols.join('\t');
  writeFileSync(join(workspace, 'brown-test.conllu'), lines.join('\n'));
  await statusItem(new RegExp(`^\\s*${wrong.length - 1} probe errors?\\s*$`)).waitFor({ timeout: 60_000 });
});

test('Problems: a NeuroX sentence file with its labels file beside it; a file whose labels the probe does not know is said once and nothing marked', async (t) => {
  const page = session.page;
  const probe = demoProbe();
  const brown = await brownTestConllu(CONLLU_SENTENCES + 6);
  const sentences = brown.words.slice(CONLLU_SENTENCES);
  const tags = brown.upos.slice(CONLLU_SENTENCES);
  writeFileSync(join(workspace, 'pair.txt'), sentences.map((s) => s.join(' ')).join('\n') + '\n');
  writeFileSync(join(workspace, 'pair.labels'), tags.map((s) => s.join(' ')).join('\n') + '\n');
  const model = join(REPO, 'models', 'brown-lstm-s1');
  const expected = await runProbePredictions({ kind: 'probe-predictions', model, probe: probe.path, sentences, labels: tags, batchSize: 32, threads: 1 }, ctx());
  const wrong = expected.known - expected.correct;
  await openFromExplorer('pair.txt');
  await new Workbench(session).palette.run('Grain: Show Probe Errors');
  await statusItem(new RegExp(`^\\s*${wrong} probe errors?\\s*$`)).waitFor({ timeout: 60_000 });
  const r = Array.from(expected.predicted).findIndex((p, i) => p !== expected.gold[i]);
  assert.ok(r >= 0, 'the probe gets some of these words wrong');
  // The Problems panel, filtered to this file: its first entry is the first wrong word.
  const message = `predicted ${expected.classes[expected.predicted[r]]}, gold ${tags.flat()[r]}, p=${expected.probability[r].toFixed(2)}`;
  const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
  await filter.fill('**/pair.txt');
  const fileRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'pair.txt' }).first();
  await fileRow.waitFor();
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'brown-test.conllu' }).first().waitFor({ state: 'detached' });
  assert.match(await fileRow.innerText(), new RegExp(`pair\\.txt[\\s\\S]*\\b${wrong}\\b`), 'the file and its count of entries');
  const entries = page.locator('.markers-panel .monaco-list-row', { hasText: /predicted / });
  await waitFor('the first entry of pair.txt', () => entries.first().innerText(), (s) => s.includes(message));
  t.diagnostic(`pair.txt + pair.labels: ${wrong} errors in ${expected.known} words; the first: '${sentences.flat()[r]}' ${message}`);
  await session.screenshot('problems-sides-08-pair');
  await filter.fill('');

  // Universal Dependencies tags (AUX, PUNCT) against the Brown universal tags of the demo probe.
  writeFileSync(join(workspace, 'ud.conllu'), ['# text = It was .', '1\tIt\tit\tPRON\tPRP\t_\t2\tnsubj\t_\t_', '2\twas\tbe\tAUX\tVBD\t_\t0\troot\t_\t_', '3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_', ''].join('\n'));
  await openFromExplorer('ud.conllu');
  await new Workbench(session).palette.run('Grain: Show Probe Errors');
  const toast = page.locator('.notification-toast', { hasText: 'nothing is marked wrong' }).first();
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /ud\.conllu: its labels \(upos\) and the probe's classes disagree: the probe knows \. ADJ ADP ADV CONJ DET NOUN NUM PRON PRT VERB X, not AUX \(1\), PUNCT \(1\)/);
  await statusItem(/probe errors: labels differ/).waitFor();
  // The toast in the screenshot once it has slid in.
  await page.locator('.notification-fade-in-done', { hasText: 'nothing is marked wrong' }).first().waitFor({ timeout: TIMEOUTS.ui });
  await session.screenshot('problems-sides-09-unknown-labels');
  assert.equal(await page.locator('.markers-panel .monaco-list-row', { hasText: 'ud.conllu' }).count(), 0, 'nothing marked in ud.conllu');
  await page.keyboard.press('Escape');
});

test('Heat Map: brown-lstm-s2 beside brown-lstm-s1, the partner and its r, diff mode by keyboard, three themes', async (t) => {
  const page = session.page;
  await page.keyboard.press('Escape');
  await new Workbench(session).openFile('brown.txt');
  await startCommand('Grain: Show Neuron...', 'Grain: Show Neuron (');
  await page.locator('.quick-input-widget .quick-input-box input').fill(String(NEURON));
  await page.keyboard.press('Enter');
  await statusItem(new RegExp(`n${NEURON} ${NEURON_LABEL}`)).waitFor();

  await new Workbench(session).palette.run('Grain: Focus on Heat Map View');
  for (const name of ['Models', 'Datasets', 'Analyses', 'Neurons']) {
    const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: new RegExp(`^${name}$`, 'i') });
    // By keyboard: the heat map's webview may lie over a header while the panes move.
    if (await header.count()) {
      await header.first().focus();
      await page.keyboard.press('Space');
    }
  }
  const frame = new Workbench(session).webview.frame();
  // The view's own control chooses the second model.
  await frame.locator('#choose-second').click();
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: 'Choose Second Model' }).waitFor();
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  assert.match(await rows.first().innerText(), /brown-lstm-s2[\s\S]*same kind as brown-lstm-s1/);
  await widget.locator('.quick-input-box input').fill('brown-lstm-s2');
  await page.keyboard.press('Enter');

  // What the job gives here on the same lines.
  const lines = TEXT.split('\n').slice(0, -1).map((text, line) => ({ line, text }));
  const base = { kind: 'neuron-partner' as const, model: join(REPO, 'models', 'brown-lstm-s1'), other: join(REPO, 'models', 'brown-lstm-s2'), neuron: NEURON, lines, aggregation: 'last' as const, sites: 'layers' as const, batchSize: 32, threads: 1 };
  const expected = await runNeuronPartner(base, ctx());
  const partnerLabel = neuronLabel(expected.otherSiteInfo, expected.partner);
  const r = `${expected.r >= 0 ? '+' : '−'}${Math.abs(expected.r).toFixed(2)}`;
  t.diagnostic(`brown-lstm-s1 neuron ${NEURON} (${NEURON_LABEL}) -> brown-lstm-s2 neuron ${expected.partner} (${partnerLabel}), r ${expected.r.toFixed(4)} over ${expected.words} words of the file`);

  const sides = frame.locator('section.sides[data-state="data"]');
  await sides.waitFor({ timeout: 120_000 });
  assert.equal(await sides.locator('.neuron-label').innerText(), NEURON_LABEL);
  assert.equal(await sides.locator('.partner-label').innerText(), partnerLabel);
  assert.equal((await sides.locator('.partner-id').innerText()).trim(), `(neuron ${expected.partner})`);
  assert.equal(await sides.locator('.partner-r').innerText(), `r ${r}`);
  assert.match(await sides.locator('.partner').innerText(), new RegExp(`over ${expected.words} words of this file; partner the best \\|r\\| of brown-lstm-s2's neurons on this file`));
  // Both rows of every line, their words coloured.
  assert.equal(await sides.locator('.pair').count(), lines.length);
  assert.equal(await sides.locator('.row.a .w').count(), expected.rows);
  assert.equal(await sides.locator('.row.b .w').count(), expected.rows);
  // Coloured as the heat bins of the z-scores computed here (|z| from 0.5).
  const binned = (z: Float32Array) => Array.from(z).filter((v, i) => expected.computed[i] && Math.abs(v) >= 0.5).length;
  assert.equal(await sides.locator('.row.a .w[class*=" p"], .row.a .w[class*=" n"]').count(), binned(expected.z));
  assert.equal(await sides.locator('.row.b .w[class*=" p"], .row.b .w[class*=" n"]').count(), binned(expected.partnerZ));
  await session.screenshot('problems-sides-04-two-models-dark');

  // Diff mode by keyboard: Space on the checkbox, then Enter on the first row of the table goes to that word.
  await frame.locator('#diff-mode').focus();
  await page.keyboard.press('Space');
  const table = sides.locator('table[data-table="disagreements"] tbody tr');
  await table.first().waitFor();
  const order = Array.from({ length: expected.rows }, (_, i) => i)
    .filter((i) => expected.computed[i])
    .sort((a, b) => Math.abs(expected.diff[b]) - Math.abs(expected.diff[a]) || a - b);
  const top = order[0];
  const cells = await table.first().locator('td').allInnerTexts();
  assert.equal(cells[0], expected.text[top]);
  assert.equal(cells[1], String(expected.line[top] + 1));
  assert.equal(cells[4], `${expected.diff[top] >= 0 ? '+' : '−'}${Math.abs(expected.diff[top]).toFixed(2)}`);
  assert.equal(await sides.locator('.row.d').count(), lines.length);
  assert.equal(await sides.locator('.row.a').count(), 0);
  await sides.locator('table[data-table="disagreements"]').scrollIntoViewIfNeeded();
  await session.screenshot('problems-sides-05-diff-mode-dark');
  await table.first().focus();
  await page.keyboard.press('Enter');
  await statusItem(new RegExp(`Ln ${expected.line[top] + 1}, Col ${expected.start[top] + 1}\\b`)).waitFor();

  // Light and high contrast: the theme's colours reach the view (screenshots for the eye).
  const vscodeDir = join(workspace, '.vscode');
  mkdirSync(vscodeDir, { recursive: true });
  // The webview has the theme when VS Code has put its class on the view's body (with its colours).
  for (const [theme, cls, body, name] of [
    ['Default Light Modern', 'vs', 'vscode-light', 'light'],
    ['Default High Contrast', 'hc-black', 'vscode-high-contrast:not(.vscode-high-contrast-light)', 'high-contrast'],
    ['Default High Contrast Light', 'hc-light', 'vscode-high-contrast-light', 'high-contrast-light'],
  ] as const) {
    writeFileSync(join(vscodeDir, 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
    await page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: TIMEOUTS.ui });
    await frame.locator(`body.${body}`).waitFor({ timeout: TIMEOUTS.ui });
    await frame.locator('table[data-table="disagreements"]').waitFor();
    await session.screenshot(`problems-sides-06-diff-mode-${name}`);
  }
  writeFileSync(join(vscodeDir, 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: TIMEOUTS.ui });
  await frame.locator('body.vscode-dark').waitFor({ timeout: TIMEOUTS.ui });

  // A saved correlation result of the three seeds names the partner instead (its models made
  // absolute to the extension's own copies, which a VSIX install puts in its extensions folder).
  const installed = join(session.root, 'extensions');
  const ext = readdirSync(installed).find((d) => d.startsWith('grain-dev.grain'));
  assert.ok(ext, `Grain in ${installed}`);
  const models = join(installed, ext, 'models');
  const correlation = JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'results', 'v2', 'correlation-lstm.json'), 'utf8')) as {
    models: string[];
    rows: number;
    neurons: number;
    perModel: { bestNeuron: number[]; bestR: number[] }[];
  };
  correlation.models = correlation.models.map((m) => join(models, m.replace(/^models\//, '')));
  assert.ok(existsSync(correlation.models[1]));
  writeFileSync(join(workspace, '.grain', 'correlation-seeds.json'), JSON.stringify(correlation));
  const named = correlation.perModel[0].bestNeuron[correlation.neurons + NEURON];
  const namedR = correlation.perModel[0].bestR[correlation.neurons + NEURON];
  const fromText = `named by correlation-seeds.json (r ${namedR >= 0 ? '+' : '−'}${Math.abs(namedR).toFixed(2)} over its ${correlation.rows.toLocaleString('en-US')} words)`;
  await waitFor('the partner named by the correlation result', () => frame.locator('section.sides .partner').innerText(), (s) => s.includes(fromText), 120_000);
  assert.equal(await frame.locator('section.sides .partner-label').innerText(), neuronLabel(expected.otherSiteInfo, named));
  t.diagnostic(`the correlation result over ${correlation.rows} words names brown-lstm-s2 neuron ${named} (r ${namedR.toFixed(4)})`);
  await frame.locator('section.sides .partner').scrollIntoViewIfNeeded();
  await session.screenshot('problems-sides-07-partner-from-correlation');

  // Clear Second Model (the command): the section offers to choose one again.
  await new Workbench(session).palette.run('Grain: Clear Second Model');
  await frame.locator('section.sides.off').waitFor();
  assert.match(await frame.locator('section.sides.off').innerText(), /Second model: none/);
});

test('deleting the current probe (Analyses view) unloads it: every probe error is cleared', async () => {
  const page = session.page;
  const probe = demoProbe();
  const name = basename(probe.path);
  // Back to the CoNLL-U file by its tab: the Grain side bar stays as it is.
  await page.locator('.tab', { hasText: 'brown-test.conllu' }).first().click();
  await page.locator('.tab.active', { hasText: 'brown-test.conllu' }).waitFor();
  await statusItem(/\d+ probe errors?\s*$/).waitFor();
  await new Workbench(session).palette.run('Grain: Focus on Analyses View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Analyses\s*$/ }) });
  const row = pane.locator('.monaco-list-row', { hasText: basename(probe.path, '.json') }).first();
  const dialog = page.locator('.monaco-dialog-box');
  // The panes settle (the heat map's webview loads and takes its height) before the row is
  // right-clicked; the dialog names the file it deletes, and any other file is cancelled.
  for (let tries = 0; ; tries++) {
    await waitFor('the Analyses view to settle', async () => {
      const a = await row.boundingBox();
      await page.waitForTimeout(300);
      const b = await row.boundingBox();
      return a !== null && b !== null && a.x === b.x && a.y === b.y && a.height === b.height;
    }, (still) => still);
    await row.click({ button: 'right' });
    // A click on the menu as it lays itself out may be lost: click again while the menu stays open.
    const item = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Delete Saved Result' }).first();
    await waitFor('the Delete dialog', async () => {
      if (await dialog.isVisible()) return true;
      if (await item.isVisible()) await item.click({ timeout: 5_000 }).catch(() => undefined);
      return dialog.waitFor({ timeout: 3_000 }).then(() => true, () => false);
    }, (shown) => shown);
    const text = (await dialog.locator('.dialog-message-container').first().innerText()).replace(/\s+/g, ' ').trim();
    if (text.includes(name)) {
      assert.equal(text, `Delete the saved result ${name}? This cannot be undone.`);
      break;
    }
    assert.ok(tries < 3, `the dialog names ${name}: ${text}`);
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
  }
  await session.screenshot('problems-sides-10-delete-probe');
  await dialog.locator('.monaco-button', { hasText: 'Delete' }).first().click();
  await dialog.waitFor({ state: 'hidden' });
  await waitFor('the probe result gone', async () => existsSync(probe.path), (e) => !e);
  await waitFor('no probe errors in the Problems panel', () => page.locator('.markers-panel .monaco-list-row', { hasText: /predicted / }).count(), (n) => n === 0);
  await statusItem(/^\s*no probe\s*$/).waitFor();
  await session.screenshot('problems-sides-11-probe-unloaded');
});
