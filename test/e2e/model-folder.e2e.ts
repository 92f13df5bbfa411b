// Your own model in a real VS Code: a plain Hugging Face-style export folder (brown-bert's
// model.onnx and tokenizer files, an HF config.json, no Grain card) is added with "Add Model
// Folder...", shows in the Models view as usable with its facts (what the folder states, and
// what the worker read from its graph), becomes the current model, and colours a plain text file.
// A folder the CLI refuses is refused and shown with the CLI's message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, TIMEOUTS, VsCodeSession, useWorkbench } from './harness';
import { closeCachedModels } from '../../src/jobs/model-cache';
import { runTextActivations } from '../../src/jobs/text-activations';

const BERT = join(REPO, 'models', 'brown-bert');
const HF_CONFIG = {
  model_type: 'bert',
  architectures: ['BertForMaskedLM'],
  hidden_size: 256,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  intermediate_size: 1024,
  vocab_size: 4096,
  max_position_embeddings: 256,
  pad_token_id: 0,
};
const NEURON = 300; // layer1:44 (sites of 256)
const TEXT = ['The jury said it did find that the election was conducted .', 'The city council met on Friday .', 'It was a long day for the county .'].join('\n') + '\n';

let session: VsCodeSession;
let workspace: string;

useWorkbench(
  'model-folder-',
  (ws) => {
    const dir = join(ws, 'my-bert');
    mkdirSync(dir);
    for (const f of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(BERT, f), join(dir, f));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(HF_CONFIG, null, 2));
    writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify({ cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', mask_token: '[MASK]', unk_token: '[UNK]' }, null, 2));
    writeFileSync(join(ws, 'story.txt'), TEXT);
    // A folder the CLI refuses: a model without its tokenizer.
    mkdirSync(join(ws, 'broken'));
    copyFileSync(join(BERT, 'model.onnx'), join(ws, 'broken', 'model.onnx'));
  },
  (s, ws) => {
    session = s;
    workspace = ws;
  },
  closeCachedModels,
);

function view(name: string) {
  const page = session.page;
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) });
}

async function openGrainContainer(): Promise<void> {
  const button = session.page.locator('.part.activitybar .action-item a.action-label[aria-label^="Grain"]');
  const checked = await button.locator('xpath=..').getAttribute('aria-selected').catch(() => null);
  if (checked !== 'true') await button.click();
  await view('Models').waitFor();
}

/** Gives the Models view the whole side bar: the other Grain views collapsed. */
async function onlyModelsOpen(): Promise<void> {
  for (const name of ['Heat Map', 'Datasets', 'Analyses', 'Neurons']) {
    const header = view(name).locator('.pane-header[aria-expanded="true"]');
    if (await header.count()) await header.first().click();
  }
  const models = view('Models').locator('.pane-header');
  if ((await models.getAttribute('aria-expanded')) === 'false') await models.click();
}

/** Starts a palette command that opens its own quick input at once (so the palette never hides). */
async function startCommand(title: string): Promise<void> {
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

/** The text of the Models view's rows, top to bottom (a row's label and description). */
async function modelRows(): Promise<string[]> {
  return view('Models')
    .locator('.monaco-list-row')
    .evaluateAll((els) =>
      els
        // No named helper functions in here: the bundler would wrap them in a __name the page lacks.
        .map((e) => ({
          top: parseFloat((e as HTMLElement).style.top) || 0,
          text: ['.label-name', '.label-description'].map((sel) => (e.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' ').trim(),
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.text),
    );
}

test('Add Model Folder... adds a Hugging Face export folder to the workspace settings', async () => {
  const page = session.page;
  await openGrainContainer();
  await startCommand('Grain: Add Model Folder...');
  // The browser UI's own file dialog: a quick input that takes a path.
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
    return !!el && el.offsetParent !== null && el.value.startsWith('/');
  }, undefined, { timeout: TIMEOUTS.ui });
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'my-bert' }).first().waitFor();
  const folder = join(workspace, 'my-bert');
  await input.fill(`${folder}/`);
  // The dialog has moved into the folder when the workspace's entries are gone from its list
  // (a folder dialog lists sub-folders only: here just "..").
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'my-bert' }).first().waitFor({ state: 'hidden' });
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: '..' }).first().waitFor();
  assert.equal(await input.inputValue(), `${folder}/`);
  await session.screenshot('model-folder-01-add-dialog');
  await widget.locator('.monaco-button', { hasText: 'Add Model Folder' }).first().click();

  // Where to list it: the workspace settings.
  await widget.locator('.quick-input-title', { hasText: 'add my-bert to grain.modelPaths' }).waitFor();
  await session.screenshot('model-folder-02-settings-target');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Workspace settings' }).first().click();
  await page.locator('.notification-toast', { hasText: 'added my-bert (bert · 5 layers × 256 neurons) to the Models view' }).first().waitFor();
  const settings = await waitFor(
    'the workspace settings file',
    async () => {
      try {
        return JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
      } catch {
        return {};
      }
    },
    (s) => Array.isArray(s['grain.modelPaths']),
    TIMEOUTS.ui,
  );
  // Inside the workspace: written relative to it, so the entry travels with the folder.
  assert.deepEqual(settings['grain.modelPaths'], ['my-bert']);
});

test('the Models view shows the folder as usable, with its config facts and the facts the worker read from its graph', async () => {
  await openGrainContainer();
  await onlyModelsOpen();
  const row = view('Models').locator('.monaco-list-row', { hasText: 'my-bert' }).first();
  await row.waitFor();
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /my-bert\s*bert · 5 layers × 256 neurons/);
  assert.doesNotMatch(text, /unusable/);
  await row.click();
  // First what the folder states, then what the inspect job read from the graph.
  const rows = await waitFor('the graph facts', modelRows, (r) => r.some((x) => x.startsWith('ablation objective')), 120_000);
  await session.screenshot('model-folder-03-models-view-facts');
  const fact = (label: string) => {
    const found = rows.find((r) => r.startsWith(`${label} `) || r === label);
    assert.ok(found, `a "${label}" row in ${JSON.stringify(rows)}`);
    return found.slice(label.length).trim();
  };
  assert.equal(fact('kind'), 'bert (BertForMaskedLM)');
  assert.equal(fact('blocks'), '4');
  assert.equal(fact('hidden size'), '256');
  assert.equal(fact('vocabulary'), '4096');
  assert.equal(fact('max positions'), '256');
  assert.equal(fact('config'), 'config.json: Hugging Face config');
  assert.equal(fact('layout'), 'optimum export: the graph at the root');
  assert.match(fact('model file'), /^model\.onnx \(8\.8 MB\)$/);
  assert.equal(fact('parameters'), '4,344,064 (counted in the graph)');
  assert.equal(fact('tokenizer'), 'WordPiece · vocabulary 4096 · max length 256');
  assert.match(fact('special tokens'), /^\[CLS\] … \[SEP\]; .*mask \[MASK\]=4/);
  assert.equal(fact('input input_ids'), 'int64 [batch, sequence] · fed token ids, right-padded with id 0');
  assert.equal(fact('input attention_mask'), 'int64 [batch, sequence] · fed 1 on tokens, 0 on padding');
  assert.equal(fact('output logits'), 'float32 [batch, sequence, 4096]');
  assert.match(fact('sites'), /^5 layer boundaries found by node-scopes: node names with block scopes m\.layer\.N \(4 blocks\)$/);
  assert.equal(fact('widths'), 'embeddings 256, layer1 256, layer2 256, layer3 256, layer4 256');
  assert.equal(fact('MLP sites'), '4 sites × 1024 neurons (mlp1–mlp4)');
  assert.match(fact('ablation objective'), /^masked-lm /);
  assert.ok(!rows.some((r) => /^(problem|warning)/.test(r)), `no problems or warnings: ${JSON.stringify(rows)}`);
});

test('Choose Model makes it the current model, and Show Neuron colours a plain text file with it', async () => {
  const page = session.page;
  await startCommand('Grain: Choose Model');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: 'Grain: Choose Model' }).waitFor();
  await widget.locator('.quick-input-box input').fill('my-bert');
  const pick = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'my-bert' }).first();
  assert.match((await pick.innerText()).replace(/\s+/g, ' '), /bert · 5 layers × 256 neurons/);
  await pick.click();
  await widget.waitFor({ state: 'hidden' });
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'my-bert' }).first().waitFor();
  const row = view('Models').locator('.monaco-list-row', { hasText: 'my-bert' }).first();
  await page.waitForFunction((el) => /current/.test(el?.textContent ?? ''), await row.elementHandle(), { timeout: TIMEOUTS.ui });
  assert.match((await row.innerText()).replace(/\s+/g, ' '), /bert · 5 layers × 256 neurons · current/);
  await session.screenshot('model-folder-04-current');

  await session.openFile('story.txt');
  await startCommand('Grain: Show Neuron...');
  // The corpus statistics of the model are computed once, in the worker, before the id is asked.
  await widget.locator('.quick-input-title', { hasText: 'Show Neuron (my-bert)' }).waitFor({ timeout: 180_000 });
  await widget.locator('.quick-input-box input').fill(String(NEURON));
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });

  const overlays = await waitFor('heat decorations', heatOverlays, (o) => new Set(o.map((x) => `${x.top}:${x.left}`)).size >= 10, 120_000);
  await session.screenshot('model-folder-05-decorations');
  const colours = new Set(overlays.map((o) => o.color));
  const depth = new Map<string, number>();
  for (const o of overlays) depth.set(`${o.top}:${o.left}`, (depth.get(`${o.top}:${o.left}`) ?? 0) + 1);
  assert.ok(colours.size >= 2 || new Set(depth.values()).size >= 2, `words should differ in colour: ${[...colours]}`);

  // The hover's value is the one the model gives, computed here on the same folder.
  const expected = await runTextActivations(
    {
      kind: 'text-activations',
      model: join(workspace, 'my-bert'),
      lines: [{ line: 0, text: TEXT.split('\n')[0]! }],
      neurons: [NEURON],
      aggregation: 'last',
      subword: false,
      sites: 'layers',
      batchSize: 32,
      threads: 1,
    },
    { progress() {}, warn() {}, log() {}, signal: new AbortController().signal },
  );
  const jury = expected.text.indexOf('jury');
  assert.ok(jury >= 0, `rows: ${expected.text.join(' ')}`);
  const hover = await hoverExactWord('jury');
  await session.screenshot('model-folder-06-hover');
  assert.match(hover, /my-bert/);
  assert.match(hover, /Selected neuron 300 \(layer1:44\): value /);
  assert.ok(hover.includes(`value ${expected.values[jury]!.toFixed(3)}`), `hover value should be ${expected.values[jury]!.toFixed(3)}: ${hover}`);
});

test('a folder that cannot be used is refused by Add Model Folder and shown as such, with the message the CLI prints', async () => {
  const page = session.page;
  const broken = join(workspace, 'broken');
  const cli = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'inspect', '--model', broken], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  const message = /^grain inspect: error: (.*)$/m.exec(cli.stderr)?.[1];
  assert.ok(message, cli.stderr);
  assert.match(message, /broken: no tokenizer\.json for this model: looked in /);

  await startCommand('Grain: Add Model Folder...');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'broken' }).first().waitFor();
  await input.fill(`${broken}/`);
  // Inside the folder the dialog lists only "..".
  await widget.locator('.quick-input-list .monaco-list-row[aria-label="my-bert"]').waitFor({ state: 'hidden' });
  await widget.locator('.quick-input-list .monaco-list-row[aria-label=".."]').waitFor();
  await widget.locator('.monaco-button', { hasText: 'Add Model Folder' }).first().click();
  const toast = page.locator('.notification-toast', { hasText: 'no tokenizer.json' }).first();
  await toast.waitFor();
  // The CLI's reason first, then the folder relative to the workspace (not a long absolute path).
  const reason = message.slice(`${broken}: `.length);
  const toastText = (await toast.innerText()).replace(/\s+/g, ' ');
  assert.ok(toastText.includes(`Grain: ${reason.replace(/\.$/, '').replace(workspace + '/', '')}`), `the toast leads with the CLI's reason: ${toastText}`);
  assert.match(toastText, /— Add Model Folder failed · broken/);

  // Listed anyway (by hand in the settings): the Models view shows it unusable, with that message.
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'grain.modelPaths': ['my-bert', 'broken'] }, null, 2));
  await openGrainContainer();
  const row = view('Models').locator('.monaco-list-row', { hasText: 'broken' }).first();
  await row.waitFor({ timeout: TIMEOUTS.ui });
  assert.ok((await modelRows()).includes('broken unusable model folder'), JSON.stringify(await modelRows()));
  await row.click();
  const rows = await waitFor('the problem row', modelRows, (r) => r.some((x) => x.startsWith('cannot be used')), TIMEOUTS.ui);
  await session.screenshot('model-folder-07-unusable');
  assert.equal(rows.find((x) => x.startsWith('cannot be used')), `cannot be used ${reason.replace(/\.$/, '')}`);
  // The working model is still usable and current.
  assert.ok(rows.some((x) => /^my-bert bert · 5 layers × 256 neurons · current$/.test(x)), JSON.stringify(rows));
});

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

/** Hovers the exact word (a plain-text line is one token span): its box from a DOM Range. */
async function hoverExactWord(word: string): Promise<string> {
  const box = await session.page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((root, w) => {
    for (const line of Array.from(root.querySelectorAll('.view-line'))) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = (n.textContent ?? '').replace(/\u00a0/g, ' ');
        const m = new RegExp(`(^|\\s)${w}(\\s|$)`).exec(text);
        if (!m) continue;
        const range = document.createRange();
        const at = m.index + m[1]!.length;
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
