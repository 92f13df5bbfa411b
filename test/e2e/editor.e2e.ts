// The editor features in a real VS Code: heat-map decorations on a text file, the hover with a
// word's strongest neurons, and the Heat Map view, on brown-lstm-s1 with real numbers.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, TIMEOUTS, VsCodeSession, useWorkbench } from './harness';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runTextActivations } from '../../src/jobs/text-activations';

const NEURON = 300; // layer1:44 of brown-lstm-s1
const SENTENCES = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n').slice(0, 3);
const TEXT = ['The jury said it did find that the election was conducted .', ...SENTENCES].join('\n') + '\n';

let session: VsCodeSession;

useWorkbench(
  'editor-',
  (ws) => {
    writeFileSync(join(ws, 'brown.txt'), TEXT);
  },
  (s) => {
    session = s;
  },
  closeCachedModels,
);

/** Overlay decorations drawn by Grain: position and computed background of each layer. */
async function heatOverlays(): Promise<{ top: number; left: number; width: number; color: string }[]> {
  return session.page.locator('.editor-instance .monaco-editor .view-overlays').first().evaluate((root) =>
    Array.from(root.querySelectorAll('div[class*="ced-"]'), (el) => {
      const e = el as HTMLElement;
      return {
        top: (e.parentElement as HTMLElement).offsetTop,
        left: parseFloat(e.style.left) || 0,
        width: parseFloat(e.style.width) || 0,
        color: getComputedStyle(e).backgroundColor,
      };
    }).filter((o) => o.width > 0 && o.color !== 'rgba(0, 0, 0, 0)' && o.color !== 'transparent'),
  );
}

/**
 * Hovers the exact word: a plain-text line is one token span, so the harness's hoverWord (the
 * middle of the first span) would land elsewhere. Finds the word's box with a DOM Range.
 */
async function hoverExactWord(word: string): Promise<string> {
  const box = await session.page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((root, w) => {
    for (const line of Array.from(root.querySelectorAll('.view-line'))) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = (n.textContent ?? '').replace(/\u00a0/g, ' ');
        const m = new RegExp(`(^|\\s)${w}(\\s|$)`).exec(text);
        if (!m) continue;
        const range = document.createRange();
        const at = m.index + m[1].length;
        range.setStart(n, at);
        range.setEnd(n, at + w.length);
        const r = range.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
    }
    return undefined;
  }, word);
  assert.ok(box, `no word ${word} in the editor`);
  await session.page.mouse.move(box.x, box.y);
  const hover = session.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: word }).first();
  await hover.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
  return (await hover.innerText()).trim();
}

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await get();
  }
  return last;
}

test('Show Neuron colours the words of a text file by the neuron', async () => {
  await session.openFile('brown.txt');
  // Not session.runCommand: the command opens a quick input at once, so the palette never
  // hides in between and runCommand would wait for that.
  const widget = session.page.locator('.quick-input-widget');
  const command = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Grain: Show Neuron...' }).first();
  for (let tries = 0; ; tries++) {
    await session.page.keyboard.press('F1');
    await widget.locator('.quick-input-box input').fill('>Grain: Show Neuron...');
    try {
      await command.waitFor({ timeout: 3_000 });
      break;
    } catch (err) {
      await session.page.keyboard.press('Escape');
      if (tries > 5) throw err;
    }
  }
  await command.click();
  // No model yet: the command asks for one first, then computes the corpus statistics once.
  const modelRow = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'brown-lstm-s1' });
  const title = widget.locator('.quick-input-title', { hasText: 'Grain: Show Neuron (' });
  await Promise.race([modelRow.waitFor({ timeout: TIMEOUTS.ui }), title.waitFor({ timeout: TIMEOUTS.ui })]);
  if (await modelRow.isVisible()) {
    await widget.locator('.quick-input-box input').fill('brown-lstm-s1');
    await session.page.keyboard.press('Enter');
  }
  await title.waitFor({ timeout: 120_000 });
  const input = widget.locator('.quick-input-box input');
  await input.fill(String(NEURON));
  await session.page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });

  const overlays = await waitFor('heat decorations', heatOverlays, (o) => o.length >= 10);
  await session.screenshot('editor-01-decorations');
  const colours = new Set(overlays.map((o) => o.color));
  // Stacked layers per word: the bin depth; positive and negative words have different colours.
  const depth = new Map<string, number>();
  for (const o of overlays) depth.set(`${o.top}:${o.left}`, (depth.get(`${o.top}:${o.left}`) ?? 0) + 1);
  const depths = new Set(depth.values());
  assert.ok(colours.size >= 2 || depths.size >= 2, `words should differ in colour: colours ${[...colours]}, depths ${[...depths]}`);
  assert.ok(depth.size >= 5, `several words coloured, got ${depth.size}`);

  // An edit is recomputed in the worker: a new line's words get coloured too.
  const words = depth.size;
  await session.page.keyboard.press('Control+End');
  await session.page.keyboard.type('The election was held in Atlanta .');
  await waitFor('decorations of the typed line', heatOverlays, (o) => new Set(o.map((x) => `${x.top}:${x.left}`)).size > words);
});

test('hovering a word shows its strongest neurons, the selected neuron value and links', async () => {
  const expected = await runTextActivations(
    {
      kind: 'text-activations',
      model: join(REPO, 'models', 'brown-lstm-s1'),
      lines: [{ line: 0, text: TEXT.split('\n')[0] }],
      neurons: [NEURON],
      aggregation: 'average',
      subword: false,
      sites: 'layers',
      batchSize: 32,
      threads: 1,
    },
    { progress() {}, warn() {}, log() {}, signal: new AbortController().signal },
  );
  const jury = expected.text.indexOf('jury');
  const text = await hoverExactWord('jury');
  await session.screenshot('editor-02-hover');
  assert.match(text, /Grain/);
  assert.match(text, /jury/);
  assert.match(text, /Selected neuron 300 \(layer1:44\): value /);
  assert.ok(text.includes(`value ${expected.values[jury].toFixed(3)}`), `hover value should be ${expected.values[jury].toFixed(3)}: ${text}`);
  assert.match(text, /strongest neurons/);
  const rows = text.split('\n').filter((l) => /^neuron \d+ \((embeddings|layer\d):\d+\)/.test(l.trim()));
  assert.ok(rows.length >= 3, `neuron rows in: ${text}`);
  assert.match(text, /show/);
  assert.match(text, /pin/);
  // Pin the strongest neuron: the heat map then shows it next to the selected one.
  await session.page.locator('.monaco-hover a', { hasText: /^pin$/ }).first().click();
  await session.page.keyboard.press('Escape');
});

test('the Heat Map view shows the file as coloured words, selected and pinned neurons side by side', async () => {
  await session.runCommand('Grain: Focus on Heat Map View');
  // Give the view room: collapse the container's other sections.
  for (const name of ['Models', 'Datasets', 'Analyses', 'Neurons']) {
    const header = session.page.locator('.pane-header[aria-expanded="true"]', { hasText: new RegExp(`^${name}$`, 'i') });
    if (await header.count()) await header.first().click();
  }
  const frame = session.webviewFrame();
  const columns = frame.locator('section.column');
  await waitFor('two heat-map columns', () => columns.count(), (n) => n >= 2);
  const words = await frame.locator('section.column').first().locator('.w').allTextContents();
  assert.ok(words.includes('jury') && words.includes('Ierulli'), `words: ${words.slice(0, 20)}`);
  const heads = await frame.locator('section.column h2').allTextContents();
  assert.equal(heads[0], 'layer1:44');
  const colours = await frame.locator('section.column').first().locator('.w').evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).backgroundImage))]);
  assert.ok(colours.length >= 3, `coloured words differ: ${colours.length}`);
  await session.screenshot('editor-03-heatmap-view');

  // Subword pieces: re-run with subword: true.
  await frame.locator('#subword').check();
  await waitFor('subword title', () => frame.locator('.subtitle').first().innerText(), (t) => /subword pieces/.test(t));
  // brown-lstm-s1 has a word vocabulary: a rare word is one piece, <unk>, at the word's place.
  const pieces = await frame.locator('section.column').first().locator('.w').allTextContents();
  assert.ok(pieces.includes('<unk>') && pieces.includes('jury'), `pieces: ${pieces.slice(0, 20)}`);
  await session.screenshot('editor-04-heatmap-subwords');
});
