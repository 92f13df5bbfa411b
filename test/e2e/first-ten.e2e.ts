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
import { REPO, TIMEOUTS, useWorkbench } from './harness';
import { Editor, Workbench, waitFor } from './pages/workbench';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { contrast, type Rgb } from '../helpers/wcag';

const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const DEMO = join(REPO, 'models');
const BROWN = readFileSync(join(DEMO, 'brown-test-2000.txt'), 'utf8').split('\n');
/** Three paragraphs: blank lines between them, as people write text. */
const STORY = [BROWN[0], BROWN[1], '', BROWN[2], '', '', BROWN[3], BROWN[4]].join('\n') + '\n';
const probe = JSON.parse(readFileSync(join(FIXTURES, 'probe-lstm-upos.json'), 'utf8')) as { ordering: number[]; source: { model: string } };

let ui: Workbench;
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
    ui = new Workbench(s);
    workspace = ws;
  },
  closeCachedModels,
);

// ---- measuring the heat colours -----------------------------------------------------------------

function parseColour(css: string): { rgb: Rgb; alpha: number } {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+))?/.exec(css);
  assert.ok(m, `a colour: ${css}`);
  return { rgb: [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255], alpha: m[4] === undefined ? 1 : Number(m[4]) };
}
/** Grain's overlay decorations in the active editor: per word (top:left), its layers' colours. */
const heatWords = async () => Editor.colours(await ui.editor.heatOverlays());

// ---- the tests ----------------------------------------------------------------------------------

test('Show Neuron without a model offers every known model: the demo models, grain.modelPaths (relative) and Browse', async () => {
  await ui.statusBar.shows('no model');
  await ui.openFile('story.txt');
  const pick = await ui.palette.start('Grain: Show Neuron...');
  await pick.titled('Grain: Choose Model');
  const rows = await pick.listText();
  // (A row's label and description run together in its text.)
  assert.match(rows, /brown-lstm-s1 ?lstm · 3 layers × 256 neurons · demo/);
  // The relative entry my-models/lstm resolves against the workspace folder, usable.
  assert.match(rows, /(^| )lstm ?lstm · 3 layers × 256 neurons my-models\/lstm/);
  assert.doesNotMatch(rows, /is not a folder|unusable/);
  assert.match(rows, /Browse\.\.\./);
  await ui.screenshot('first-ten-06-show-neuron-models');
  await ui.page.keyboard.press('Escape');
  await pick.closed();
});

test('a saved probe report makes its model current; the status bar says whether the neuron colours the editor', async () => {
  const page = ui.page;
  await ui.sideBar.open('Grain');
  const analyses = ui.sideBar.view('Analyses');
  await analyses.expand();
  await analyses.click('probe-brown-lstm-s1-upos');
  await ui.editor.tab('Ranked neurons: probe-brown-lstm-s1-upos.json').waitFor();
  // No model was current: the report's model is now.
  await ui.statusBar.shows('brown-lstm-s1');

  // Keyboard only: into the table, down one row, Enter selects that neuron.
  const frame = ui.webview.frame();
  await frame.locator('table[data-table=neurons] tbody tr').first().waitFor();
  await frame.locator('h1').click();
  let tabs = 0;
  for (; tabs < 30 && !(await ui.webview.focused()).startsWith('row '); tabs++) await page.keyboard.press('Tab');
  assert.equal(await ui.webview.focused(), `row ${probe.ordering[0]}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await ui.statusBar.shows('n44 embeddings:44');
  await ui.screenshot('first-ten-02-report-made-model-current');
  const tip = await ui.statusBar.tooltip('n44 embeddings:44', 'neuron 44 (embeddings:44)');
  assert.match(tip, /neuron 44 \(embeddings:44\) colours the words of plaintext editors/);

  // And it does: the words of a plain text file are coloured by it.
  await ui.editor.tab('story.txt').click();
  await waitFor('heat decorations', heatWords, (w) => w.size >= 8, 120_000);
  await ui.screenshot('first-ten-02b-editor-coloured');
});

test('the ranked-neurons table is one Tab stop; arrows, PageDown, End and Home move and keep the focus; skip links', async () => {
  const page = ui.page;
  await ui.editor.tab('Ranked neurons: probe-brown-lstm-s1-upos.json').click();
  const frame = ui.webview.frame();
  await frame.locator('table[data-table=neurons] tbody tr').first().waitFor();
  await frame.locator('h1').click();
  // From the title to the first chart's Show table: a handful of Tabs, not one per row (768).
  let tabs = 0;
  for (; tabs < 40 && (await ui.webview.focused()) !== 'button Show table'; tabs++) await page.keyboard.press('Tab');
  assert.ok(tabs < 15, `Show table after ${tabs} Tabs`);
  console.log(`# Tabs from the title to the first Show table: ${tabs}`);
  await frame.locator('table[data-table=neurons] tbody tr').first().focus();
  await page.keyboard.press('PageDown');
  const paged = await ui.webview.focused();
  assert.match(paged, /^row \d+$/, 'PageDown leaves the focus on a row');
  await page.keyboard.press('End');
  assert.equal(await ui.webview.focused(), `row ${probe.ordering.at(-1)}`);
  await ui.screenshot('first-ten-05-keyboard-end');
  await page.keyboard.press('Home');
  assert.equal(await ui.webview.focused(), `row ${probe.ordering[0]}`);
  const links = await frame.locator('nav.skip-links a').allInnerTexts();
  assert.deepEqual(links, ['Neurons in ranking order', 'Where the information is', 'Class overlap of top neurons']);
  await frame.locator('nav.skip-links a', { hasText: 'Where the information is' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await ui.webview.focused(), 'h2 Where the information is');
  await page.keyboard.press('Tab');
  assert.equal(await ui.webview.focused(), 'button Show table');
  await ui.screenshot('first-ten-05b-keyboard-skip-link');
});

test('heat colours: text over the deepest bin reaches 4.5:1 in Light Modern, Dark Modern and both high-contrast themes; the selected row is outlined', async () => {
  await ui.clearNotifications();
  const themes = [
    { name: 'Light Modern', cls: 'vs', shot: 'light-modern' },
    { name: 'Dark Modern', cls: 'vs-dark', shot: 'dark-modern' },
    { name: 'Dark High Contrast', cls: 'hc-black', shot: 'hc-dark' },
    { name: 'Light High Contrast', cls: 'hc-light', shot: 'hc-light' },
  ];
  const figures: string[] = [];
  try {
    for (const theme of themes) {
      await ui.setColorTheme(theme.name, theme.cls);
      await ui.editor.tab('story.txt').click();
      const words = await waitFor('heat decorations', heatWords, (w) => w.size >= 8, 60_000);
      const deepest = Math.max(...[...words.values()].map((l) => l.length));
      const { background, foreground } = await ui.editor.colours();
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
      await ui.screenshot(`first-ten-03-heat-${theme.shot}`);
      assert.ok(worst >= 4.5, `${theme.name}: text over a heat bin at ${worst.toFixed(2)}:1`);
      if (theme.cls === 'hc-black') {
        // The selected row of the report: an outline, not only a background the theme does not have.
        await ui.editor.tab('Ranked neurons').click();
        const row = ui.webview.locator('table[data-table=neurons] tbody tr.selected');
        await row.waitFor();
        const outline = await row.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineColor);
        assert.match(outline, /^solid rgb\(/, `selected row outline in HC Dark: ${outline}`);
        await ui.screenshot('first-ten-03b-hc-dark-selected-row');
      }
    }
  } finally {
    await ui.setColorTheme('Light Modern', 'vs').catch(() => undefined);
  }
  console.log(`# text over heat bins, measured in the editor: ${figures.join('; ')}`);
});

test('error toasts lead with the reason, then the file relative to the workspace, with Open File or Show in Log', async () => {
  // A folder without its tokenizer, chosen with Browse...
  const pick = await ui.palette.start('Grain: Choose Model');
  await pick.pick('Browse...');
  await ui.fileDialog.choose(join(workspace, 'my-models', 'hf-gpt2-hfconfig'), 'Use This Model', 'folder');
  const refused = await ui.notifications.toast('no tokenizer.json').shown();
  await ui.screenshot('first-ten-01-error-toast-folder');
  const text = await refused.message();
  assert.match(text, /^Grain: no tokenizer\.json for this model/);
  assert.match(text, /— Choose Model failed · my-models\/hf-gpt2-hfconfig/);
  assert.ok(!text.includes(workspace), `no absolute workspace path in: ${text}`);
  assert.ok(await refused.button('Show in Log').isVisible());
  await refused.dismiss();

  // A text that is not UTF-8: the reason, then latin1.txt:2, and Open File goes there.
  await ui.openFile('latin1.txt');
  await ui.palette.run('Grain: Extract Activations for Current File');
  const bad = await ui.notifications.toast('latin1.txt:2').shown(60_000);
  await ui.screenshot('first-ten-01b-error-toast-line');
  assert.match(await bad.message(), /^Grain: .*UTF-8.* — Extract activations of latin1\.txt failed · latin1\.txt:2/);
  await bad.click('Open File');
  await ui.editor.activeTab('latin1.txt').waitFor();
  await ui.statusBar.shows(/Ln 2, Col 1/);
});

test('plain text with paragraphs: Extract Activations works and says what it skipped; the activation file shows what it holds', async () => {
  await ui.clearNotifications();
  // Open since the first test.
  await ui.editor.tab('story.txt').click();
  await ui.editor.activeTab('story.txt').waitFor();
  await ui.palette.run('Grain: Extract Activations for Current File');
  const done = await ui.notifications.toast('extracted').shown(120_000);
  await ui.screenshot('first-ten-04-paragraphs-extracted');
  const words = STORY.split(/\s+/).filter(Boolean).length;
  assert.match(await done.text(), new RegExp(`extracted ${words} words × 768 neurons of 5 sentences \\(3 blank lines between paragraphs skipped\\) to \\.grain/activations/story-brown-lstm-s1\\.grain`));
  assert.doesNotMatch(await done.text(), /label|parallel/);
  assert.ok(existsSync(join(workspace, '.grain', 'activations', 'story-brown-lstm-s1.grain')));

  // Datasets: a click on the file gives its summary and what to do next.
  await ui.sideBar.open('Grain');
  const datasets = ui.sideBar.view('Datasets');
  await datasets.expand();
  await datasets.clickUntil('story-brown-lstm-s1.grain', ui.dialog.box);
  const summary = await ui.dialog.text();
  await ui.screenshot('first-ten-09-activation-summary');
  assert.match(summary, /story-brown-lstm-s1\.grain: brown-lstm-s1, 5 sentences, \d+ words × 768 neurons/);
  assert.match(summary, /Text: story\.txt/);
  assert.match(summary, /Neurons: 768 in embeddings 256, layer1 256, layer2 256/);
  for (const action of ['Probe with Labels...', 'Correlate with Other Models...', 'Open a Sentence as a Heat Map...']) assert.ok(summary.includes(action), action);
  await ui.dialog.click('Open a Sentence as a Heat Map...');
  await ui.quickInput.pick(BROWN[2]!.slice(0, 30));
  // The sentence's line in the text, and the Heat Map (in the panel, with room for its columns).
  await ui.statusBar.shows(/Ln 4, Col 1/);
  await ui.webview.locator('section.column .w').first().waitFor({ timeout: 60_000 });
  await ui.screenshot('first-ten-11-heat-map-in-panel');
  assert.ok(await ui.panel.isVisible(), 'the Heat Map is a panel view');
});

test('Run Ablation Curves asks which rankings, which text and how many sentences, with an estimate; its report draws only what belongs together', async () => {
  await ui.clearNotifications();
  const pick = await ui.palette.start('Grain: Run Ablation Curves');
  await pick.titled('which rankings');
  assert.match(await pick.listText(), /probe-brown-lstm-s1-upos ?probe · current probe/);
  await ui.screenshot('first-ten-07-ablation-rankings');
  await pick.accept();
  await pick.titled('which text');
  await pick.pick('Brown test sentences');
  await pick.titled('how many sentences');
  // One probe (LCA top and bottom) and 3 random draws at 5 counts, plus 2 unablated runs: 27 runs.
  const timed = await waitFor('the estimates', () => pick.listText(), (t) => /about/.test(t), 90_000);
  assert.match(timed, /100 sentences ?27 runs × 100 sentences · about/);
  assert.match(timed, /2,000 sentences \(the whole text\) ?27 runs × 2,000 sentences · about/);
  await ui.screenshot('first-ten-07b-ablation-estimate');
  await pick.pick(/^\s*100 sentences/);
  await ui.editor.tab(/Ablation curves: ablation-brown-lstm-s1-/).waitFor({ timeout: 400_000 });
  const note = ui.webview.locator('[data-pairing-note]');
  await note.waitFor({ timeout: TIMEOUTS.ui });
  // The experiments of the same model on another dataset are not mixed in, and the report says why.
  assert.match(await note.innerText(), /drawn only from an experiments result of the probing task that ordered these curves \(probe-brown-lstm-s1-upos\.json\)/);
  assert.equal(await ui.webview.locator('figure[data-figure=retrain]').count(), 0);
  await ui.webview.locator('figure[data-figure=loss]').waitFor();
  await ui.screenshot('first-ten-07c-ablation-report');
  const written = readdirSync(join(workspace, '.grain')).find((f) => f.startsWith('ablation-brown-lstm-s1-'))!;
  const result = JSON.parse(readFileSync(join(workspace, '.grain', written), 'utf8')) as { sentences: number; curve: { curves: { name: string }[] } };
  assert.equal(result.sentences, 100);
  assert.deepEqual(result.curve.curves.map((c) => c.name), ['lca-top', 'bottom', 'random']);
});

test('a Markdown file says why it has no colours and can be added to grain.decorations.languages', async () => {
  await ui.clearNotifications();
  await ui.openFile('notes.md');
  const hint = await ui.notifications.toast('gets no neuron colours').shown();
  await ui.screenshot('first-ten-09b-markdown-hint');
  assert.match(await hint.text(), /this markdown document gets no neuron colours or hovers: grain\.decorations\.languages is plaintext/);
  await ui.statusBar.shows('no heat map in markdown');
  await hint.click('Colour markdown Too');
  await waitFor('heat decorations on the Markdown file', heatWords, (w) => w.size >= 8, 60_000);
  await ui.screenshot('first-ten-09c-markdown-coloured');
  const settings = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['grain.decorations.languages'], ['plaintext', 'markdown']);
});

test('CoNLL-U: the label pick offers single features (feats:Number, ...) besides the whole FEATS bundles', async () => {
  const pick = await ui.palette.start('Grain: Run Probe on a Labelled Corpus');
  await pick.pick('CoNLL-U file...');
  await ui.fileDialog.choose(join(workspace, 'train.conllu'), 'OK', 'file');
  await pick.titled('which labels of train.conllu');
  const rows = await pick.listText();
  await ui.screenshot('first-ten-09d-conllu-features');
  assert.match(rows, /FEATS, whole bundles ?5 classes/);
  assert.match(rows, /feats:Number ?3 classes \(with _ for words without Number\) Plur, Sing/);
  await ui.page.keyboard.press('Escape');
  await pick.closed();
});

test('progress shows a percentage and a bar; Cancel says that nothing was saved', async () => {
  const before = readdirSync(join(workspace, '.grain')).sort();
  const pick = await ui.palette.start('Grain: Run Probe on a Labelled Corpus');
  await pick.pick('Brown corpus (POS tags)');
  await pick.pick(/^\s*universal/);
  await pick.pick('5,000 train / 1,000 test sentences');
  const running = await ui.notifications.toast(/Run probe \(brown-lstm-s1, brown-universal\)/).shown();
  await waitFor('a percentage', () => running.text(), (t) => /\d+% \([\d,]+ of [\d,]+\)/.test(t), 60_000);
  await ui.screenshot('first-ten-10-progress-percentage');
  await running.clickUntil('Cancel', ui.notifications.toast('cancelled; nothing was saved').locator);
  await ui.screenshot('first-ten-09e-cancelled');
  assert.deepEqual(readdirSync(join(workspace, '.grain')).sort(), before);
});

test('models chosen by path: Browse... on a working folder makes it current, not "unusable"; relative grain.modelPaths entries resolve', async () => {
  await ui.clearNotifications();
  const pick = await ui.palette.start('Grain: Choose Model');
  await pick.pick('Browse...');
  await ui.fileDialog.choose(join(outside, 'my-gpt'), 'Use This Model', 'folder');
  await ui.statusBar.shows('my-gpt');
  await ui.sideBar.open('Grain');
  const models = ui.sideBar.view('Models');
  await models.rowSays('my-gpt', /current/, TIMEOUTS.ui);
  assert.match(await models.rowText('my-gpt'), /^my-gpt ?gpt · 5 layers × 256 neurons · current$/);
  assert.equal(await models.row('my-gpt').locator('.codicon-error').count(), 0);
  assert.match(await models.rowText(/^\s*lstm/), /^lstm ?lstm · 3 layers × 256 neurons$/);
  await ui.screenshot('first-ten-06b-browsed-model-current');
});
