// Top contexts and neuron descriptions in a real VS Code: after Run Demo, the Neurons view
// describes each neuron; its inline "Show Top Contexts" computes every neuron's contexts over the
// Brown test sentences in the worker and opens the report with the real sentences and values; a
// context opens its line with the word selected; the hover's "contexts" link switches neurons.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { REPO, TIMEOUTS, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runTextActivations } from '../../src/jobs/text-activations';
import type { ContextsResult, ProbeResult } from '../../src/shared/results';
import { neuronLabel } from '../../src/shared/neurons';

/** Upper bounds on 2 shared cores: the demo's probe, and every neuron's contexts over 2,000 sentences. */
const DEMO_TIMEOUT = 240_000;
const CONTEXTS_TIMEOUT = 240_000;
const LINES = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n');

let wb: Workbench;
let workspace: string;

useWorkbench(
  'contexts-',
  (ws) => writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n'),
  (s, w) => {
    wb = new Workbench(s);
    workspace = w;
  },
  closeCachedModels,
);

/** The frame of the top-contexts report (other webviews may be open too). */
async function contextsFrame(timeout = TIMEOUTS.ui): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frames = wb.page.locator('iframe.webview.ready');
    const n = await frames.count();
    for (let i = 0; i < n; i++) {
      const f = wb.page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
      if ((await f.locator('.report[data-report="contexts"]').count().catch(() => 0)) > 0) return f;
    }
    if (Date.now() > deadline) throw new Error('no top-contexts report is open');
    await new Promise((r) => setTimeout(r, 250));
  }
}


const grainFiles = () => readdirSync(join(workspace, '.grain'));

test('Neurons view: Show Top Contexts on the demo\'s top neuron shows real sentences and values; a context opens its line', async () => {
  const page = wb.page;
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'no model' }).first().waitFor();
  await wb.palette.run('Grain: Run Demo');
  await page.locator('.tab', { hasText: 'demo.txt' }).waitFor({ timeout: DEMO_TIMEOUT });
  const probeFile = grainFiles().find((f) => /^probe-brown-lstm-s1-brown-universal-.*\.json$/.test(f))!;
  const probe = JSON.parse(readFileSync(join(workspace, '.grain', probeFile), 'utf8')) as ProbeResult;
  assert.equal(probe.descriptions?.length, probe.ordering.length, 'the demo probe describes every neuron');
  const top = probe.ordering[0]!;
  const where = neuronLabel(probe.sites, top);
  const described = probe.descriptions!.find((d) => d.neuron === top)!;
  console.log(`# ${where}: ${described.summary}`);

  // The Neurons view: the top neuron's row carries its description.
  await wb.sideBar.open('Grain');
  const neurons = wb.sideBar.view('Neurons');
  await neurons.expand();
  const row = neurons.row(`neuron ${top} (${where})`);
  await row.waitFor();
  assert.match(await row.innerText(), /#1 · .*fires on /);
  await wb.screenshot('contexts-01-neurons-described');

  // Its inline action computes the contexts (once) and opens the report on it.
  const started = Date.now();
  await row.hover();
  await row.locator('.action-label[aria-label="Show Top Contexts"]').click();
  const frame = await contextsFrame(CONTEXTS_TIMEOUT);
  await frame.locator(`h2[data-neuron="${top}"]`).waitFor({ timeout: CONTEXTS_TIMEOUT });
  console.log(`# contexts of every neuron computed and shown in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const saved = grainFiles().filter((f) => /^contexts-brown-lstm-s1-.*-last-layers-brown-test-2000\.txt-.*\.json$/.test(f));
  assert.equal(saved.length, 1, `one saved contexts file: ${grainFiles().join(', ')}`);
  const contexts = JSON.parse(readFileSync(join(workspace, '.grain', saved[0]!), 'utf8')) as ContextsResult;
  assert.equal(contexts.contexts.length, 768);
  const mine = contexts.contexts.find((c) => c.neuron === top)!;
  const first = contexts.sentences[mine.top.sentence[0]!]!;
  const word = first.words[mine.top.word[0]!]!;

  // The report's first row: the file's value, z, word and line; the sentence is the corpus line.
  const cells = await frame.locator('table[data-table="top"] tbody tr').first().locator('td').allInnerTexts();
  assert.equal(cells[1], mine.top.value[0]!.toFixed(3));
  assert.equal(cells[4], word);
  assert.equal(cells[6], `brown-test-2000.txt:${first.line}`);
  assert.deepEqual(first.words, LINES[first.line - 1]!.split(' '));
  const z = (mine.top.value[0]! - mine.mean) / mine.std;
  assert.equal(cells[2], `${z >= 0 ? '+' : '−'}${Math.abs(z).toFixed(2)}`);
  // Recomputed apart from Grain's pass: that line alone through the model gives the same value.
  const alone = await runTextActivations(
    { kind: 'text-activations', model: join(REPO, 'models', 'brown-lstm-s1'), lines: [{ line: 0, text: LINES[first.line - 1]! }], neurons: [top], aggregation: 'last', subword: false, sites: 'layers', batchSize: 32, threads: 1 },
    { progress() {}, warn() {}, log() {}, signal: new AbortController().signal },
  );
  const value = alone.values[mine.top.word[0]!]!;
  assert.ok(Math.abs(value - mine.top.value[0]!) < 1e-4, `the line alone gives ${value}, the report ${mine.top.value[0]}`);
  const bottom = await frame.locator('table[data-table="bottom"] tbody tr').first().locator('td').allInnerTexts();
  assert.equal(bottom[1], mine.bottom.value[0]!.toFixed(3));
  await wb.screenshot('contexts-02-report');

  // A click opens the corpus line beside the report, the word selected.
  await frame.locator('table[data-table="top"] tbody tr').first().click();
  await page.locator('.tab.active[data-resource-name="brown-test-2000.txt"]').first().waitFor();
  // The status bar shows the selection's end, where the cursor is: just after the word.
  const start = LINES[first.line - 1]!.split(' ').slice(0, mine.top.word[0]!).join(' ').length + (mine.top.word[0]! > 0 ? 1 : 0);
  await page.locator('.part.statusbar .statusbar-item', { hasText: `Ln ${first.line}, Col ${start + word.length + 1} (${word.length} selected)` }).first().waitFor();
  await wb.screenshot('contexts-03-line-opened');
});

test('the hover\'s "contexts" link shows another neuron\'s contexts at once; the keyboard opens a line too', async () => {
  const page = wb.page;
  await page.locator('.tab', { hasText: 'demo.txt' }).first().click();
  // Hover a word of the sample text; its rows have show, pin and contexts links, and descriptions.
  const box = await page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((root) => {
    for (const line of Array.from(root.querySelectorAll('.view-line'))) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = (n.textContent ?? '').replace(/\u00a0/g, ' ');
        // The first word of a line: visible however narrow the editor is.
        const m = /^()(Patience)(\s|$)/.exec(text);
        if (!m) continue;
        const range = document.createRange();
        range.setStart(n, m.index + m[1]!.length);
        range.setEnd(n, m.index + m[1]!.length + m[2]!.length);
        const r = range.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
    }
    return undefined;
  });
  assert.ok(box, 'the demo text has a line starting with "Patience"');
  await page.mouse.move(box.x, box.y);
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'strongest neurons' }).first();
  await hover.waitFor({ state: 'visible', timeout: 60_000 });
  const text = await hover.innerText();
  assert.match(text, /fires on /, 'the hover describes neurons');
  await wb.screenshot('contexts-04-hover');
  const rows = hover.locator('tr', { has: page.locator('a', { hasText: /^contexts$/ }) });
  const rowText = await rows.first().innerText();
  const neuron = Number(/neuron (\d+)/.exec(rowText)![1]);
  await rows.first().locator('a', { hasText: /^contexts$/ }).click();

  const frame = await contextsFrame();
  await frame.locator(`h2[data-neuron="${neuron}"]`).waitFor();
  await wb.screenshot('contexts-05-hover-neuron');

  // Keyboard: focus the second top context and press Enter.
  const second = frame.locator('table[data-table="top"] tbody tr').nth(1);
  const line = Number(/:(\d+)$/.exec((await second.locator('td').last().innerText()).trim())![1]);
  await second.focus();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active[data-resource-name="brown-test-2000.txt"]').first().waitFor();
  await page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+ \\(\\d+ selected\\)`) }).first().waitFor();
  assert.deepEqual(wb.session.consoleErrors().filter((e) => /Content Security Policy|Refused/.test(e)), []);
});
