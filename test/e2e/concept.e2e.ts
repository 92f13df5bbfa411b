// Probe This Concept in a real VS Code: words selected in a text file, the editor's context menu,
// a balanced concept probe on the Brown text in the worker, its accuracy shown, the best neuron
// selected and the file coloured by it; a typed /regex/ over a file without it is refused.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, TIMEOUTS, type VsCodeSession, useWorkbench } from './harness';
import { Workbench, waitFor } from './pages/workbench';
import { neuronLabel } from '../../src/shared/neurons';

/** Upper bound for the concept probe (extraction of 1,800 Brown sentences + training; ~15-40 s on 2 shared cores). */
const PROBE_TIMEOUT = 180_000;
const SENTENCES = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n').slice(0, 4);
const TEXT = ['the a an', ...SENTENCES].join('\n') + '\n';

let session: VsCodeSession;
let workspace: string;

useWorkbench(
  'concept-',
  (ws) => {
    writeFileSync(join(ws, 'words.txt'), TEXT);
  },
  (s, w) => {
    session = s;
    workspace = w;
  },
);

/** Overlay decorations drawn by Grain (the heat colours) in the active editor. */
async function heatOverlays(): Promise<{ top: number; left: number; color: string }[]> {
  return session.page.locator('.editor-instance .monaco-editor .view-overlays').first().evaluate((root) =>
    Array.from(root.querySelectorAll('div[class*="ced-"]'), (el) => {
      const e = el as HTMLElement;
      return { top: (e.parentElement as HTMLElement).offsetTop, left: parseFloat(e.style.left) || 0, width: parseFloat(e.style.width) || 0, color: getComputedStyle(e).backgroundColor };
    })
      .filter((o) => o.width > 0 && o.color !== 'rgba(0, 0, 0, 0)' && o.color !== 'transparent')
      .map(({ top, left, color }) => ({ top, left, color })),
  );
}

test('selected words, Probe This Concept from the context menu: accuracy shown, the file coloured by the best neuron', async () => {
  const page = session.page;
  await new Workbench(session).openFile('words.txt');
  // Select the first line's words: the, a, an.
  const firstLine = page.locator('.editor-instance .monaco-editor .view-lines .view-line').first();
  await firstLine.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+End');
  await page.locator('.editor-instance .monaco-editor .selected-text').first().waitFor({ timeout: TIMEOUTS.ui });
  await session.screenshot('concept-01-selection');

  // The editor's context menu offers the command while text is selected.
  await firstLine.click({ button: 'right', position: { x: 10, y: 5 } });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Probe This Concept' }).first();
  await item.waitFor({ timeout: TIMEOUTS.ui });
  await session.screenshot('concept-02-context-menu');
  const started = Date.now();
  await item.click();

  // The text to find it in: Brown (the default, first).
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Brown corpus' }).first().click({ timeout: TIMEOUTS.ui });
  // No model yet: Choose Model asks for one.
  const modelRow = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'brown-lstm-s1' }).first();
  await modelRow.waitFor({ timeout: TIMEOUTS.ui });
  await widget.locator('.quick-input-box input').fill('brown-lstm-s1');
  await modelRow.click();

  await page.locator('.notification-toast', { hasText: 'Probe This Concept (brown-lstm-s1)' }).first().waitFor({ timeout: TIMEOUTS.ui });
  await session.screenshot('concept-03-running');
  const toast = page.locator('.notification-toast', { hasText: 'test accuracy' }).first();
  await toast.waitFor({ timeout: PROBE_TIMEOUT });
  const seconds = (Date.now() - started) / 1000;
  const shown = (await toast.innerText()).replace(/\s+/g, ' ');

  // The saved result under .grain/ holds the numbers the toast shows.
  const grain = join(workspace, '.grain');
  const saved = readdirSync(grain).filter((f) => /^probe-brown-lstm-s1-concept-the-a-an-.*\.json$/.test(f));
  assert.equal(saved.length, 1, `one concept probe in ${grain}: ${readdirSync(grain).join(', ')}`);
  const r = JSON.parse(readFileSync(join(grain, saved[0]!), 'utf8')) as {
    schema: string;
    classes: string[];
    ordering: number[];
    sites: { name: string; width: number }[];
    test: { accuracy: number; rows: number; majorityBaseline: number };
    data: { concept: { description: string; positive: number }; balance: { trainAfter: number[]; testAfter: number[] }; trainSentences: number; testSentences: number };
  };
  assert.equal(r.schema, 'grain.probe');
  assert.deepEqual(r.classes, ['negative', 'positive']);
  assert.equal(r.data.concept.description, 'the words the, a, an');
  assert.deepEqual([r.data.trainSentences, r.data.testSentences], [1500, 300]);
  // Balanced: as many other words as concept words in each part, so the majority is 50%.
  assert.equal(r.data.balance.trainAfter[0], r.data.balance.trainAfter[1]);
  assert.equal(r.test.majorityBaseline, 0.5);
  assert.equal(r.test.rows, 2 * r.data.balance.testAfter[1]!);
  assert.ok(r.test.accuracy > 0.95, `test accuracy ${r.test.accuracy}`);
  const pct = `${(100 * r.test.accuracy).toFixed(1)}%`;
  assert.match(shown, new RegExp(`the concept \\(the words the, a, an\\): test accuracy ${pct.replace('.', '\\.')} on ${r.test.rows.toLocaleString('en-US')} balanced test words \\(majority 50\\.0%\\)`));
  const best = r.ordering[0]!;
  const where = neuronLabel(r.sites, best);
  assert.match(shown, new RegExp(`top neurons neuron ${best} \\(${where}\\)`));
  assert.match(shown, new RegExp(`the file is coloured by neuron ${best} \\(${where}\\)`));

  // The best neuron is the selected neuron (status bar) and the open file is coloured by it.
  await page.locator('.part.statusbar .statusbar-item', { hasText: `n${best} ${where}` }).first().waitFor({ timeout: TIMEOUTS.ui });
  const overlays = await waitFor('heat decorations', heatOverlays, (o) => new Set(o.map((x) => `${x.top}:${x.left}`)).size >= 10);
  const words = new Set(overlays.map((o) => `${o.top}:${o.left}`));
  assert.ok(words.size >= 10, `words coloured: ${words.size}`);
  await session.screenshot('concept-04-accuracy-and-coloured-file');

  // Open Report: the ranked-neurons report, its header naming the concept and the balancing.
  await toast.locator('.monaco-button', { hasText: 'Open Report' }).click();
  const frame = new Workbench(session).webview.frame();
  const task = frame.locator('text=Concept: the words the, a, an').first();
  await task.waitFor({ timeout: TIMEOUTS.ui });
  const taskText = await task.innerText();
  assert.match(taskText, new RegExp(`\\(${r.data.concept.positive.toLocaleString('en-US')} of [\\d,]+ training words\\) · balanced \\(train ([\\d,]+) / \\1, test ([\\d,]+) / \\2\\)`));
  await session.screenshot('concept-05-report');
  console.log(`# Probe This Concept (the, a, an; Brown 1,500 / 300): test accuracy ${(100 * r.test.accuracy).toFixed(2)}% on ${r.test.rows} balanced test words; best neuron ${best} (${where}); ${seconds.toFixed(1)} s from the click to the result`);
});

test('a typed /regex/ over the open file, which has no word of it, is refused naming the file', async () => {
  const page = session.page;
  // Back from the report to the text: its tab is still open.
  await page.locator('.tab', { hasText: 'words.txt' }).first().click();
  await page.locator('.tab.active', { hasText: 'words.txt' }).waitFor({ timeout: TIMEOUTS.ui });
  await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().click();
  await page.keyboard.press('Control+Home'); // no selection
  const widget = page.locator('.quick-input-widget');
  const command = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Grain: Probe This Concept' }).first();
  // Not session.runCommand: the command opens an input box at once, so the palette never hides in between.
  for (let tries = 0; ; tries++) {
    await page.keyboard.press('F1');
    await widget.locator('.quick-input-box input').fill('>Grain: Probe This Concept');
    try {
      await command.waitFor({ timeout: 3_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (tries > 5) throw err;
    }
  }
  await command.click();
  const input = widget.locator('.quick-input-box input');
  await widget.locator('.quick-input-title', { hasText: 'Probe This Concept' }).waitFor({ timeout: TIMEOUTS.ui });
  // A pattern that does not parse is refused in the box itself.
  await input.fill('/(ly/');
  await widget.locator('.quick-input-message', { hasText: 'not a valid regular expression' }).waitFor({ timeout: TIMEOUTS.ui });
  await input.fill('/.*ly$/');
  await page.keyboard.press('Enter');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'This file (words.txt)' }).first().click({ timeout: TIMEOUTS.ui });
  const toast = page.locator('.notification-toast', { hasText: 'matches' }).first();
  await toast.waitFor({ timeout: PROBE_TIMEOUT });
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  await page.waitForTimeout(600); // the toast's slide-in, for the screenshot only
  await session.screenshot('concept-06-no-word-of-the-file');
  // None of the file's five lines has a word ending in -ly.
  // The reason first, then what failed and the file (relative to the workspace).
  assert.match(text, /Grain: the concept \(words matching \/\.\*ly\$\/ from their start\) matches no word of the text — Probe This Concept \(brown-lstm-s1\) failed · words\.txt/);
});

