// The first ten minutes of a new user in a real VS Code, each stumble of the issue fixed and shown
// with a screenshot (test-results/e2e/first-ten-*.png): Show Neuron without a model, a saved probe
// report that makes its model current and a status bar that says what is true, the report from
// the keyboard, the heat colours in the four default themes, error toasts that lead with the
// reason, plain text with paragraphs, an activation file's summary, ablation curves that ask
// first, Markdown, CoNLL-U features, Cancel, and models chosen by path.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO, TIMEOUTS, type VsCodeSession, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';
import { closeCachedModels } from '../../src/jobs/model-cache';

const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const DEMO = join(REPO, 'models');
const BROWN = readFileSync(join(DEMO, 'brown-test-2000.txt'), 'utf8').split('\n');
/** Three paragraphs: blank lines between them, as people write text. */
const STORY = [BROWN[0], BROWN[1], '', BROWN[2], '', '', BROWN[3], BROWN[4]].join('\n') + '\n';
const probe = JSON.parse(readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8')) as { ordering: number[]; source: { model: string } };

let session: VsCodeSession;
let workspace: string;
const outside = mkdtempSync(join(tmpdir(), 'grain-e2e-outside-'));
after(() => rmSync(outside, { recursive: true, force: true }));

useWorkbench(
  'first-ten-',
  (ws) => {
    writeFileSync(join(ws, 'story.txt'), STORY);
    writeFileSync(join(ws, 'notes.md'), `# Notes\n\n${BROWN[5]}\n\n${BROWN[6]}\n`);
    // Latin-1, not UTF-8, on its second line.
    writeFileSync(join(ws, 'latin1.txt'), Buffer.concat([Buffer.from(`${BROWN[0]}\nThe caf`), Buffer.from([0xe9]), Buffer.from(' was closed .\n')]));
    writeFileSync(
      join(ws, 'train.conllu'),
      [
        '# sent_id = 1',
        '1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_',
        '2\tbark\tbark\tVERB\tVBP\tMood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_',
        '',
        '1\tIt\tit\tPRON\tPRP\tCase=Nom|Gender=Neut|Number=Sing|Person=3|PronType=Prs\t2\tnsubj\t_\t_',
        '2\truns\trun\tVERB\tVBZ\tMood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin\t0\troot\t_\t_',
        '3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_',
        '',
      ].join('\n'),
    );
    // Models: one listed by a relative grain.modelPaths entry, one that lacks its tokenizer.
    mkdirSync(join(ws, 'my-models'));
    cpSync(join(DEMO, 'brown-lstm-s2'), join(ws, 'my-models', 'lstm'), { recursive: true });
    mkdirSync(join(ws, 'my-models', 'hf-gpt2-hfconfig'));
    cpSync(join(DEMO, 'brown-gpt', 'model.onnx'), join(ws, 'my-models', 'hf-gpt2-hfconfig', 'model.onnx'));
    writeFileSync(join(ws, 'my-models', 'hf-gpt2-hfconfig', 'config.json'), JSON.stringify({ model_type: 'gpt2', n_layer: 4, n_embd: 256 }));
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'grain.modelPaths': ['my-models/lstm'] }, null, 2));
    // A saved probe of the demo's brown-lstm-s1, and experiments of the same model on another dataset.
    mkdirSync(join(ws, '.grain'));
    const saved = JSON.parse(readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8'));
    saved.source.model = join(DEMO, 'brown-lstm-s1');
    writeFileSync(join(ws, '.grain', 'probe-brown-lstm-s1-upos.json'), JSON.stringify(saved));
    const other = JSON.parse(readFileSync(join(FIXTURES, 'experiments-lstm-upos.json'), 'utf8'));
    other.source.model = join(DEMO, 'brown-lstm-s1');
    other.data.test = 'news test split (500 sentences)';
    writeFileSync(join(ws, '.grain', 'experiments-brown-lstm-s1-news.json'), JSON.stringify(other));
    // A working model outside the workspace, for Browse...
    cpSync(join(DEMO, 'brown-gpt'), join(outside, 'my-gpt'), { recursive: true });
  },
  (s, ws) => {
    session = s;
    workspace = ws;
  },
  closeCachedModels,
);

// ---- helpers ------------------------------------------------------------------------------------

const widget = () => session.page.locator('.quick-input-widget');
const quickRow = (text: string | RegExp) => widget().locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

function view(name: string) {
  const page = session.page;
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}\\s*$`, 'i') }) });
}

async function openGrainContainer(): Promise<void> {
  const button = session.page.locator('.part.activitybar .action-item a.action-label[aria-label^="Grain"]');
  const checked = await button.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
  if (checked !== 'true') await button.click();
  await view('Models').waitFor();
}

async function expandView(name: string): Promise<void> {
  const header = view(name).locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/** A palette command that opens a quick input of its own at once (the palette never hides in between). */
async function startCommand(title: string): Promise<void> {
  const page = session.page;
  const input = widget().locator('.quick-input-box input');
  const row = widget()
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) })
    .first();
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
}

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await get();
  }
  return last;
}

/** The browser's file dialog (a quick input taking a path): goes to `path` and presses `button`. */
async function browseTo(path: string, button: string, isFolder: boolean): Promise<void> {
  const page = session.page;
  const input = widget().locator('.quick-input-box input');
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
    return !!el && el.offsetParent !== null && el.value.startsWith('/');
  }, undefined, { timeout: TIMEOUTS.ui });
  // Type only once the dialog has listed its first folder: typing earlier races its first load.
  await widget().locator('.quick-input-list .monaco-list-row').first().waitFor();
  await input.fill(isFolder ? `${path}/` : path);
  if (isFolder) await widget().locator('.quick-input-list .monaco-list-row[aria-label=".."]').waitFor();
  await widget().locator('.monaco-button', { hasText: button }).first().click();
}

function toast(text: string | RegExp) {
  return session.page.locator('.notification-toast', { hasText: text }).first();
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Earlier tests' notifications out of the way of the next screenshots. */
async function clearToasts(): Promise<void> {
  await new Workbench(session).palette.run('Notifications: Clear All Notifications');
}

/** Grain's overlay decorations in the active editor: per word (top:left), its layers' colours. */
async function heatWords(): Promise<Map<string, string[]>> {
  const layers = await session.page.locator('.editor-instance .monaco-editor .view-overlays').first().evaluate((root) =>
    Array.from(root.querySelectorAll('div[class*="ced-"]'), (el) => {
      const e = el as HTMLElement;
      return { key: `${(e.parentElement as HTMLElement).offsetTop}:${parseFloat(e.style.left) || 0}`, width: parseFloat(e.style.width) || 0, color: getComputedStyle(e).backgroundColor };
    }).filter((o) => o.width > 0 && o.color !== 'rgba(0, 0, 0, 0)' && o.color !== 'transparent'),
  );
  const words = new Map<string, string[]>();
  for (const l of layers) words.set(l.key, [...(words.get(l.key) ?? []), l.color]);
  return words;
}

type Rgb = [number, number, number];
function parseColour(css: string): { rgb: Rgb; alpha: number } {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+))?/.exec(css);
  assert.ok(m, `a colour: ${css}`);
  return { rgb: [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255], alpha: m[4] === undefined ? 1 : Number(m[4]) };
}
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The webview's document: what has the focus (a row's neuron, a button's text, a tag). */
async function focusedInReport(): Promise<string> {
  return new Workbench(session).webview.frame().locator('body').evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return 'nothing';
    if (a.tagName === 'TR') return `row ${a.getAttribute('data-key')}`;
    return `${a.tagName.toLowerCase()} ${(a.textContent ?? '').trim()}`;
  });
}

// ---- the tests ----------------------------------------------------------------------------------

test('Show Neuron without a model offers every known model: the demo models, grain.modelPaths (relative) and Browse', async () => {
  await session.page.locator('.part.statusbar .statusbar-item', { hasText: 'no model' }).first().waitFor();
  await new Workbench(session).openFile('story.txt');
  await startCommand('Grain: Show Neuron...');
  await widget().locator('.quick-input-title', { hasText: 'Grain: Choose Model' }).waitFor();
  const rows = flat(await widget().locator('.quick-input-list').innerText());
  // (A row's label and description run together in its text.)
  assert.match(rows, /brown-lstm-s1 ?lstm · 3 layers × 256 neurons · demo/);
  // The relative entry my-models/lstm resolves against the workspace folder, usable.
  assert.match(rows, /(^| )lstm ?lstm · 3 layers × 256 neurons my-models\/lstm/);
  assert.doesNotMatch(rows, /is not a folder|unusable/);
  assert.match(rows, /Browse\.\.\./);
  await session.screenshot('first-ten-06-show-neuron-models');
  await session.page.keyboard.press('Escape');
  await widget().waitFor({ state: 'hidden' });
});

test('a saved probe report makes its model current; the status bar says whether the neuron colours the editor', async () => {
  const page = session.page;
  await openGrainContainer();
  await expandView('Analyses');
  await view('Analyses').locator('.monaco-list-row', { hasText: 'probe-brown-lstm-s1-upos' }).first().click();
  await page.locator('.tab', { hasText: 'Ranked neurons: probe-brown-lstm-s1-upos.json' }).waitFor();
  // No model was current: the report's model is now.
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-lstm-s1' }).first().waitFor();

  // Keyboard only: into the table, down one row, Enter selects that neuron.
  const frame = new Workbench(session).webview.frame();
  await frame.locator('table[data-table=neurons] tbody tr').first().waitFor();
  await frame.locator('h1').click();
  let tabs = 0;
  for (; tabs < 30 && !(await focusedInReport()).startsWith('row '); tabs++) await page.keyboard.press('Tab');
  assert.equal(await focusedInReport(), `row ${probe.ordering[0]}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'n44 embeddings:44' }).first();
  await status.waitFor();
  await session.screenshot('first-ten-02-report-made-model-current');
  await status.hover();
  const tip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'neuron 44 (embeddings:44)' }).first();
  await tip.waitFor();
  assert.match(flat(await tip.innerText()), /neuron 44 \(embeddings:44\) colours the words of plaintext editors/);
  await page.mouse.move(700, 400);

  // And it does: the words of a plain text file are coloured by it.
  await page.locator('.tab', { hasText: 'story.txt' }).click();
  await waitFor('heat decorations', heatWords, (w) => w.size >= 8, 120_000);
  await session.screenshot('first-ten-02b-editor-coloured');
});

test('the ranked-neurons table is one Tab stop; arrows, PageDown, End and Home move and keep the focus; skip links', async () => {
  const page = session.page;
  await page.locator('.tab', { hasText: 'Ranked neurons: probe-brown-lstm-s1-upos.json' }).click();
  const frame = new Workbench(session).webview.frame();
  await frame.locator('table[data-table=neurons] tbody tr').first().waitFor();
  await frame.locator('h1').click();
  // From the title to the first chart's Show table: a handful of Tabs, not one per row (768).
  let tabs = 0;
  for (; tabs < 40 && (await focusedInReport()) !== 'button Show table'; tabs++) await page.keyboard.press('Tab');
  assert.ok(tabs < 15, `Show table after ${tabs} Tabs`);
  console.log(`# Tabs from the title to the first Show table: ${tabs}`);
  await frame.locator('table[data-table=neurons] tbody tr').first().focus();
  await page.keyboard.press('PageDown');
  const paged = await focusedInReport();
  assert.match(paged, /^row \d+$/, 'PageDown leaves the focus on a row');
  await page.keyboard.press('End');
  assert.equal(await focusedInReport(), `row ${probe.ordering.at(-1)}`);
  await session.screenshot('first-ten-05-keyboard-end');
  await page.keyboard.press('Home');
  assert.equal(await focusedInReport(), `row ${probe.ordering[0]}`);
  const links = await frame.locator('nav.skip-links a').allInnerTexts();
  assert.deepEqual(links, ['Neurons in ranking order', 'Where the information is', 'Class overlap of top neurons']);
  await frame.locator('nav.skip-links a', { hasText: 'Where the information is' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await focusedInReport(), 'h2 Where the information is');
  await page.keyboard.press('Tab');
  assert.equal(await focusedInReport(), 'button Show table');
  await session.screenshot('first-ten-05b-keyboard-skip-link');
});

test('heat colours: text over the deepest bin reaches 4.5:1 in Light Modern, Dark Modern and both high-contrast themes; the selected row is outlined', async () => {
  await clearToasts();
  const page = session.page;
  const themes = [
    { name: 'Light Modern', cls: 'vs', shot: 'light-modern' },
    { name: 'Dark Modern', cls: 'vs-dark', shot: 'dark-modern' },
    { name: 'Dark High Contrast', cls: 'hc-black', shot: 'hc-dark' },
    { name: 'Light High Contrast', cls: 'hc-light', shot: 'hc-light' },
  ];
  const setTheme = async (name: string, cls: string) => {
    await startCommand('Preferences: Color Theme');
    await widget().locator('.quick-input-box input').fill(name);
    await widget().locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) }).first().click();
    await widget().waitFor({ state: 'hidden' });
    await page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: TIMEOUTS.ui });
  };
  const figures: string[] = [];
  try {
    for (const theme of themes) {
      await setTheme(theme.name, theme.cls);
      await page.locator('.tab', { hasText: 'story.txt' }).click();
      const words = await waitFor('heat decorations', heatWords, (w) => w.size >= 8, 60_000);
      const deepest = Math.max(...[...words.values()].map((l) => l.length));
      const { background, foreground } = await page.locator('.editor-instance .monaco-editor').first().evaluate((ed) => ({
        background: getComputedStyle(ed.querySelector('.monaco-editor-background') ?? ed).backgroundColor,
        foreground: getComputedStyle(ed.querySelector('.view-line span span') ?? ed).color,
      }));
      let worst = Infinity;
      for (const layers of words.values()) {
        let c = parseColour(background).rgb;
        for (const l of layers) {
          const { rgb, alpha } = parseColour(l);
          c = [0, 1, 2].map((i) => alpha * rgb[i]! + (1 - alpha) * c[i]!) as Rgb;
        }
        worst = Math.min(worst, contrast(c, parseColour(foreground).rgb));
      }
      figures.push(`${theme.name} ${worst.toFixed(2)}:1 (deepest bin ${deepest})`);
      await session.screenshot(`first-ten-03-heat-${theme.shot}`);
      assert.ok(worst >= 4.5, `${theme.name}: text over a heat bin at ${worst.toFixed(2)}:1`);
      if (theme.cls === 'hc-black') {
        // The selected row of the report: an outline, not only a background the theme does not have.
        await page.locator('.tab', { hasText: 'Ranked neurons' }).click();
        const row = new Workbench(session).webview.frame().locator('table[data-table=neurons] tbody tr.selected');
        await row.waitFor();
        const outline = await row.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineColor);
        assert.match(outline, /^solid rgb\(/, `selected row outline in HC Dark: ${outline}`);
        await session.screenshot('first-ten-03b-hc-dark-selected-row');
      }
    }
  } finally {
    await setTheme('Light Modern', 'vs').catch(() => undefined);
  }
  console.log(`# text over heat bins, measured in the editor: ${figures.join('; ')}`);
});

test('error toasts lead with the reason, then the file relative to the workspace, with Open File or Show in Log', async () => {
  const page = session.page;
  // A folder without its tokenizer, chosen with Browse...
  await startCommand('Grain: Choose Model');
  await quickRow('Browse...').click();
  await browseTo(join(workspace, 'my-models', 'hf-gpt2-hfconfig'), 'Use This Model', true);
  const refused = toast('no tokenizer.json');
  await refused.waitFor();
  await session.screenshot('first-ten-01-error-toast-folder');
  const text = flat(await refused.locator('.notification-list-item-message').innerText());
  assert.match(text, /^Grain: no tokenizer\.json for this model/);
  assert.match(text, /— Choose Model failed · my-models\/hf-gpt2-hfconfig/);
  assert.ok(!text.includes(workspace), `no absolute workspace path in: ${text}`);
  assert.ok(await refused.locator('.monaco-button', { hasText: 'Show in Log' }).isVisible());
  await refused.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => undefined);

  // A text that is not UTF-8: the reason, then latin1.txt:2, and Open File goes there.
  await new Workbench(session).openFile('latin1.txt');
  await new Workbench(session).palette.run('Grain: Extract Activations for Current File');
  const bad = toast('latin1.txt:2');
  await bad.waitFor({ timeout: 60_000 });
  await session.screenshot('first-ten-01b-error-toast-line');
  const badText = flat(await bad.locator('.notification-list-item-message').innerText());
  assert.match(badText, /^Grain: .*UTF-8.* — Extract activations of latin1\.txt failed · latin1\.txt:2/);
  await bad.locator('.monaco-button', { hasText: 'Open File' }).click();
  await page.locator('.tab.active', { hasText: 'latin1.txt' }).waitFor();
  await page.locator('.part.statusbar .statusbar-item', { hasText: /Ln 2, Col 1/ }).first().waitFor();
});

test('plain text with paragraphs: Extract Activations works and says what it skipped; the activation file shows what it holds', async () => {
  await clearToasts();
  const page = session.page;
  // Open since the first test.
  await page.locator('.tab', { hasText: 'story.txt' }).click();
  await page.locator('.tab.active', { hasText: 'story.txt' }).waitFor();
  await new Workbench(session).palette.run('Grain: Extract Activations for Current File');
  const done = toast('extracted');
  await done.waitFor({ timeout: 120_000 });
  await session.screenshot('first-ten-04-paragraphs-extracted');
  const words = STORY.split(/\s+/).filter(Boolean).length;
  assert.match(flat(await done.innerText()), new RegExp(`extracted ${words} words × 768 neurons of 5 sentences \\(3 blank lines between paragraphs skipped\\) to \\.grain/activations/story-brown-lstm-s1\\.grain`));
  assert.doesNotMatch(flat(await done.innerText()), /label|parallel/);
  assert.ok(existsSync(join(workspace, '.grain', 'activations', 'story-brown-lstm-s1.grain')));

  // Datasets: a click on the file gives its summary and what to do next.
  await openGrainContainer();
  await expandView('Datasets');
  await view('Datasets').locator('.monaco-list-row', { hasText: 'story-brown-lstm-s1.grain' }).first().click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  await session.screenshot('first-ten-09-activation-summary');
  const summary = flat(await dialog.innerText());
  assert.match(summary, /story-brown-lstm-s1\.grain: brown-lstm-s1, 5 sentences, \d+ words × 768 neurons/);
  assert.match(summary, /Text: story\.txt/);
  assert.match(summary, /Neurons: 768 in embeddings 256, layer1 256, layer2 256/);
  for (const action of ['Probe with Labels...', 'Correlate with Other Models...', 'Open a Sentence as a Heat Map...']) assert.ok(summary.includes(action), action);
  await dialog.locator('.monaco-button', { hasText: 'Open a Sentence as a Heat Map...' }).click();
  await quickRow(BROWN[2]!.slice(0, 30)).click();
  // The sentence's line in the text, and the Heat Map (in the panel, with room for its columns).
  await page.locator('.part.statusbar .statusbar-item', { hasText: /Ln 4, Col 1/ }).first().waitFor();
  const heat = new Workbench(session).webview.frame();
  await heat.locator('section.column .w').first().waitFor({ timeout: 60_000 });
  await session.screenshot('first-ten-11-heat-map-in-panel');
  assert.ok(await page.locator('.part.panel').isVisible(), 'the Heat Map is a panel view');
});

test('Run Ablation Curves asks which rankings, which text and how many sentences, with an estimate; its report draws only what belongs together', async () => {
  await clearToasts();
  const page = session.page;
  await startCommand('Grain: Run Ablation Curves');
  await widget().locator('.quick-input-title', { hasText: 'which rankings' }).waitFor();
  assert.match(flat(await widget().locator('.quick-input-list').innerText()), /probe-brown-lstm-s1-upos ?probe · current probe/);
  await session.screenshot('first-ten-07-ablation-rankings');
  await page.keyboard.press('Enter');
  await widget().locator('.quick-input-title', { hasText: 'which text' }).waitFor();
  await quickRow('Brown test sentences').click();
  await widget().locator('.quick-input-title', { hasText: 'how many sentences' }).waitFor();
  // One probe (LCA top and bottom) and 3 random draws at 5 counts, plus 2 unablated runs: 27 runs.
  const timed = await waitFor('the estimates', async () => flat(await widget().locator('.quick-input-list').innerText()), (t) => /about/.test(t), 90_000);
  assert.match(timed, /100 sentences ?27 runs × 100 sentences · about/);
  assert.match(timed, /2,000 sentences \(the whole text\) ?27 runs × 2,000 sentences · about/);
  await session.screenshot('first-ten-07b-ablation-estimate');
  await quickRow(/^\s*100 sentences/).click();
  await page.locator('.tab', { hasText: /Ablation curves: ablation-brown-lstm-s1-/ }).waitFor({ timeout: 400_000 });
  const frame = new Workbench(session).webview.frame();
  const note = frame.locator('[data-pairing-note]');
  await note.waitFor({ timeout: TIMEOUTS.ui });
  // The experiments of the same model on another dataset are not mixed in, and the report says why.
  assert.match(await note.innerText(), /drawn only from an experiments result of the probing task that ordered these curves \(probe-brown-lstm-s1-upos\.json\)/);
  assert.equal(await frame.locator('figure[data-figure=retrain]').count(), 0);
  await frame.locator('figure[data-figure=loss]').waitFor();
  await session.screenshot('first-ten-07c-ablation-report');
  const written = readdirSync(join(workspace, '.grain')).find((f) => f.startsWith('ablation-brown-lstm-s1-'))!;
  const result = JSON.parse(readFileSync(join(workspace, '.grain', written), 'utf8')) as { sentences: number; curve: { curves: { name: string }[] } };
  assert.equal(result.sentences, 100);
  assert.deepEqual(result.curve.curves.map((c) => c.name), ['lca-top', 'bottom', 'random']);
});

test('a Markdown file says why it has no colours and can be added to grain.decorations.languages', async () => {
  await clearToasts();
  const page = session.page;
  await new Workbench(session).openFile('notes.md');
  const hint = toast('gets no neuron colours');
  await hint.waitFor();
  await session.screenshot('first-ten-09b-markdown-hint');
  assert.match(flat(await hint.innerText()), /this markdown document gets no neuron colours or hovers: grain\.decorations\.languages is plaintext/);
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'no heat map in markdown' }).first().waitFor();
  await hint.locator('.monaco-button', { hasText: 'Colour markdown Too' }).click();
  await waitFor('heat decorations on the Markdown file', heatWords, (w) => w.size >= 8, 60_000);
  await session.screenshot('first-ten-09c-markdown-coloured');
  const settings = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['grain.decorations.languages'], ['plaintext', 'markdown']);
});

test('CoNLL-U: the label pick offers single features (feats:Number, ...) besides the whole FEATS bundles', async () => {
  await startCommand('Grain: Run Probe on a Labelled Corpus');
  await quickRow('CoNLL-U file...').click();
  await browseTo(join(workspace, 'train.conllu'), 'OK', false);
  await widget().locator('.quick-input-title', { hasText: 'which labels of train.conllu' }).waitFor();
  const rows = flat(await widget().locator('.quick-input-list').innerText());
  await session.screenshot('first-ten-09d-conllu-features');
  assert.match(rows, /FEATS, whole bundles ?5 classes/);
  assert.match(rows, /feats:Number ?3 classes \(with _ for words without Number\) Plur, Sing/);
  await session.page.keyboard.press('Escape');
  await widget().waitFor({ state: 'hidden' });
});

test('progress shows a percentage and a bar; Cancel says that nothing was saved', async () => {
  const before = readdirSync(join(workspace, '.grain')).sort();
  await startCommand('Grain: Run Probe on a Labelled Corpus');
  await quickRow('Brown corpus (POS tags)').click();
  await quickRow(/^\s*universal/).click();
  await quickRow('5,000 train / 1,000 test sentences').click();
  const running = toast(/Run probe \(brown-lstm-s1, brown-universal\)/);
  await running.waitFor();
  await waitFor('a percentage', async () => flat(await running.innerText()), (t) => /\d+% \([\d,]+ of [\d,]+\)/.test(t), 60_000);
  await session.screenshot('first-ten-10-progress-percentage');
  await running.locator('.monaco-button', { hasText: 'Cancel' }).click();
  const cancelled = toast('cancelled; nothing was saved');
  await cancelled.waitFor({ timeout: 60_000 });
  await session.screenshot('first-ten-09e-cancelled');
  assert.deepEqual(readdirSync(join(workspace, '.grain')).sort(), before);
});

test('models chosen by path: Browse... on a working folder makes it current, not "unusable"; relative grain.modelPaths entries resolve', async () => {
  await clearToasts();
  const page = session.page;
  await startCommand('Grain: Choose Model');
  await quickRow('Browse...').click();
  await browseTo(join(outside, 'my-gpt'), 'Use This Model', true);
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'my-gpt' }).first().waitFor();
  await openGrainContainer();
  const rows = view('Models').locator('.monaco-list-row');
  const chosen = rows.filter({ hasText: 'my-gpt' }).first();
  await waitFor('the chosen model marked current', async () => flat(await chosen.innerText()), (t) => /current/.test(t), TIMEOUTS.ui);
  assert.match(flat(await chosen.innerText()), /^my-gpt ?gpt · 5 layers × 256 neurons · current$/);
  assert.equal(await chosen.locator('.codicon-error').count(), 0);
  assert.match(flat(await rows.filter({ hasText: /^\s*lstm/ }).first().innerText()), /^lstm ?lstm · 3 layers × 256 neurons$/);
  await session.screenshot('first-ten-06b-browsed-model-current');
});
