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
import { REPO, TIMEOUTS, useWorkbench } from './harness';
import { Editor, Workbench, waitFor } from './pages/workbench';
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

let ui: Workbench;
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
    ui = new Workbench(s);
    workspace = ws;
  },
  closeCachedModels,
);

const models = () => ui.sideBar.view('Models');

test('Add Model Folder... adds a Hugging Face export folder to the workspace settings', async () => {
  await ui.sideBar.open('Grain');
  const quick = await ui.palette.start('Grain: Add Model Folder...');
  // The browser UI's own file dialog: a quick input that takes a path.
  await ui.fileDialog.opened('my-bert');
  const folder = join(workspace, 'my-bert');
  // Inside the folder the dialog lists sub-folders only: here just "..".
  await ui.fileDialog.enter(folder, 'my-bert');
  assert.equal(await ui.fileDialog.path(), `${folder}/`);
  await ui.screenshot('model-folder-01-add-dialog');
  await ui.fileDialog.accept('Add Model Folder');

  // Where to list it: the workspace settings.
  await quick.titled('add my-bert to grain.modelPaths');
  await ui.screenshot('model-folder-02-settings-target');
  await quick.pick('Workspace settings');
  await ui.notifications.toast('added my-bert (bert · 5 layers × 256 neurons) to the Models view').shown();
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
  await ui.sideBar.open('Grain');
  await ui.sideBar.only('Models');
  const text = await models().rowText('my-bert');
  assert.match(text, /my-bert\s*bert · 5 layers × 256 neurons/);
  assert.doesNotMatch(text, /unusable/);
  await models().click('my-bert');
  // First what the folder states, then what the inspect job read from the graph. The tree redraws
  // its rows when the graph facts arrive: a read in the middle of that (busy machine) held the
  // last rows only, so both ends of the list are waited for.
  const complete = (r: string[]) => r.some((x) => x.startsWith('kind ')) && r.some((x) => x.startsWith('ablation objective'));
  const rows = await waitFor('the folder and graph facts', () => models().rows(), complete, 120_000);
  await ui.screenshot('model-folder-03-models-view-facts');
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
  const quick = await ui.palette.start('Grain: Choose Model');
  await quick.titled('Grain: Choose Model');
  await quick.type('my-bert');
  assert.match((await quick.row('my-bert').innerText()).replace(/\s+/g, ' '), /bert · 5 layers × 256 neurons/);
  await quick.pick('my-bert');
  await quick.closed();
  await ui.statusBar.shows('my-bert');
  await models().rowSays('my-bert', /current/);
  assert.match(await models().rowText('my-bert'), /bert · 5 layers × 256 neurons · current/);
  await ui.screenshot('model-folder-04-current');

  await ui.openFile('story.txt');
  const ask = await ui.palette.start('Grain: Show Neuron...');
  // The corpus statistics of the model are computed once, in the worker, before the id is asked.
  await ask.titled('Show Neuron (my-bert)', 180_000);
  await ask.type(String(NEURON));
  await ask.accept();
  await ask.closed();

  const overlays = await waitFor('heat decorations', () => ui.editor.heatOverlays(), (o) => Editor.depths(o).size >= 10, 120_000);
  await ui.screenshot('model-folder-05-decorations');
  const colours = new Set(overlays.map((o) => o.color));
  const depth = Editor.depths(overlays);
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
  const hover = await ui.hover.over('jury');
  await ui.screenshot('model-folder-06-hover');
  assert.match(hover, /my-bert/);
  // The selected neuron by id, site and unit (src/core/neurons.ts: "neuron 300 (layer1:44)").
  assert.match(hover, /Selected neuron 300 \(layer1:44\): value /);
  assert.ok(hover.includes(`value ${expected.values[jury]!.toFixed(3)}`), `hover value should be ${expected.values[jury]!.toFixed(3)}: ${hover}`);
});

test('a folder that cannot be used is refused by Add Model Folder and shown as such, with the message the CLI prints', async () => {
  const broken = join(workspace, 'broken');
  const cli = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'inspect', '--model', broken], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  const message = /^grain inspect: error: (.*)$/m.exec(cli.stderr)?.[1];
  assert.ok(message, cli.stderr);
  assert.match(message, /broken: no tokenizer\.json for this model: looked in /);

  const quick = await ui.palette.start('Grain: Add Model Folder...');
  await quick.row('broken').waitFor();
  // Inside the folder the dialog lists only "..".
  await ui.fileDialog.enter(broken, quick.widget.locator('.quick-input-list .monaco-list-row[aria-label="my-bert"]'));
  await ui.fileDialog.accept('Add Model Folder');
  // The toast says what the CLI says, as every Grain error toast does: the reason first, then what
  // failed and the folder, paths relative to the workspace.
  const toast = await ui.notifications.toast('no tokenizer.json').shown();
  const reason = message.replace(`${broken}: `, '').replaceAll(`${workspace}/`, '');
  const said = await toast.message();
  assert.ok(said.startsWith(`Grain: ${reason}`), `the toast says what the CLI says: ${reason}\ntoast: ${said}`);
  assert.match(said, /— Add Model Folder failed · broken$/);
  assert.ok(!said.includes(workspace), `no absolute workspace path in: ${said}`);

  // Listed anyway (by hand in the settings): the Models view shows it unusable, with that message.
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'grain.modelPaths': ['my-bert', 'broken'] }, null, 2));
  await ui.sideBar.open('Grain');
  await models().row('broken').waitFor({ timeout: TIMEOUTS.ui });
  assert.ok((await models().rows()).includes('broken unusable model folder'), JSON.stringify(await models().rows()));
  await models().click('broken');
  const rows = await waitFor('the problem row', () => models().rows(), (r) => r.some((x) => x.startsWith('cannot be used')), TIMEOUTS.ui);
  await ui.screenshot('model-folder-07-unusable');
  // The row is under the folder's own row: it says the reason, without the folder in front.
  assert.equal(rows.find((x) => x.startsWith('cannot be used')), `cannot be used ${message.replace(`${broken}: `, '')}`);
  // The working model is still usable and current.
  assert.ok(rows.some((x) => /^my-bert bert · 5 layers × 256 neurons · current$/.test(x)), JSON.stringify(rows));
});
