// Smoke test of the extension in a real VS Code: the Demo Models webview, its restore after a
// reload, and the Models tree in the Grain activity-bar container.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, VsCodeSession, useWorkbench } from './harness';

const DEMO_MODELS = ['brown-bert', 'brown-gpt', 'brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3'];
const hiddenSizeOf = (id: string): number =>
  (JSON.parse(readFileSync(join(REPO, 'models', id, 'config.json'), 'utf8')) as { hidden_size: number }).hidden_size;

let session: VsCodeSession;

useWorkbench(
  '',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted.\n');
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(join(ws, '.vscode', 'settings.json'), '{\n  "editor.tabSize": 2\n}\n');
  },
  (s) => {
    session = s;
  },
);

async function modelRows(): Promise<Map<string, string[]>> {
  const frame = session.webviewFrame();
  const rows = frame.locator('vscode-table-row[data-model]');
  await rows.first().waitFor();
  const all = await rows.evaluateAll((els) =>
    els.map((r) => [r.getAttribute('data-model') ?? '', Array.from(r.querySelectorAll('vscode-table-cell'), (c) => (c.textContent ?? '').trim())] as const),
  );
  return new Map(all.map(([id, cells]) => [id, cells]));
}

test('Grain: Show Demo Models lists the five demo models with their hidden sizes', async () => {
  await session.screenshot('01-workbench');
  await session.runCommand('Grain: Show Demo Models');
  await session.page.locator('.tab', { hasText: 'Grain: Demo Models' }).waitFor();
  const rows = await modelRows();
  await session.screenshot('02-demo-models-webview');
  assert.deepEqual([...rows.keys()], DEMO_MODELS);
  for (const id of DEMO_MODELS) {
    const [name, kind, hidden, boundaries] = rows.get(id)!;
    assert.equal(name, id);
    assert.equal(Number(hidden), hiddenSizeOf(id), `hidden size of ${id}`);
    assert.equal(kind, id.startsWith('brown-lstm') ? 'lstm' : id.slice('brown-'.length));
    assert.match(boundaries, /^embeddings, layer1, layer2/);
  }
  // The header row is rendered by the elements' shadow DOM: a sign that the components loaded
  // under the CSP rather than showing as unknown tags.
  const cspViolations = session.consoleErrors().filter((e) => /Content Security Policy/i.test(e));
  assert.deepEqual(cspViolations, []);
  const headerWidth = await session.webviewFrame().locator('vscode-table-header-cell').first().evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(headerWidth > 0);
});

test('the Demo Models panel comes back after a window reload', async () => {
  // Through the command, not page.reload(): the workbench then saves its editor layout first.
  const loaded = session.page.waitForEvent('load');
  await session.runCommand('Developer: Reload Window');
  await loaded;
  await session.page.locator('.monaco-workbench').waitFor();
  await session.page.locator('.tab', { hasText: 'Grain: Demo Models' }).waitFor();
  const rows = await modelRows();
  assert.deepEqual([...rows.keys()], DEMO_MODELS);
  await session.screenshot('03-demo-models-restored');
});

test('the Grain activity-bar container shows the Models tree', async () => {
  const page = session.page;
  await page.locator('.part.activitybar .action-item a.action-label[aria-label^="Grain"]').click();
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Models' }) });
  const tree = view.locator('.monaco-list-row');
  for (const id of DEMO_MODELS) await tree.filter({ hasText: id }).first().waitFor();
  const gpt = tree.filter({ hasText: 'brown-gpt' }).first();
  assert.match(await gpt.innerText(), /gpt · 5 layers × 256 neurons/);
  await gpt.click();
  const hidden = tree.filter({ hasText: 'hidden size' }).first();
  await hidden.waitFor();
  assert.match(await hidden.innerText(), /hidden size\s*256/);
  assert.match(await tree.filter({ hasText: 'layer boundaries' }).first().innerText(), /embeddings, layer1, layer2, layer3, layer4/);
  await session.screenshot('04-models-tree');
});

test('Grain: Show Log opens the Grain output channel with the activation line', async () => {
  await session.runCommand('Grain: Show Log');
  const line = session.page.locator('.part.panel .monaco-editor .view-line', { hasText: 'activated; demo models in' });
  await line.first().waitFor();
  // Monaco draws spaces as U+00A0.
  assert.match((await line.first().innerText()).replace(/\u00a0/g, ' '), /\[info\] Grain 0\.1\.0 activated; demo models in \/\S*grain-dev\.grain-0/);
  // The reload in the test above went through the extension's WebviewPanelSerializer.
  await session.page.locator('.part.panel .monaco-editor .view-line', { hasText: 'restoring the Demo Models panel' }).first().waitFor();
  await session.screenshot('05-grain-log');
});

test('a workspace text file opens in the editor', async () => {
  await session.page.locator('.part.activitybar .action-item a.action-label[aria-label^="Explorer"]').click();
  await session.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'notes.txt' }).dblclick();
  await session.page.locator('.tab', { hasText: 'notes.txt' }).waitFor();
  const lines = await session.editorLines();
  assert.equal(lines[0], 'The jury said it did find that the election was conducted.');
});

test('the Card button of a model opens its MODEL_CARD.md as a Markdown preview', async () => {
  const page = session.page;
  await page.locator('.tab', { hasText: 'Grain: Demo Models' }).click();
  await session.webviewFrame().locator('vscode-table-row[data-model="brown-lstm-s1"] vscode-button').click();
  await page.locator('.tab', { hasText: 'Preview MODEL_CARD.md' }).waitFor();
  const firstHeading = readFileSync(join(REPO, 'models', 'brown-lstm-s1', 'MODEL_CARD.md'), 'utf8').match(/^#\s+(.+)$/m)![1]!;
  await session.webviewFrame().locator('h1', { hasText: firstHeading }).waitFor();
  await session.screenshot('06-model-card');
});

test('editor hovers can be read (the settings schema describes editor.tabSize)', async () => {
  await session.openFile('.vscode/settings.json');
  assert.deepEqual((await session.editorLines()).slice(0, 3), ['{', '  "editor.tabSize": 2', '}']);
  const hover = await session.hoverWord('editor.tabSize');
  assert.match(hover, /number of spaces a tab is equal to/i);
  await session.screenshot('07-hover');
});
