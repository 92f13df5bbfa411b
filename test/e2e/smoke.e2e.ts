// Smoke test of the extension in a real VS Code: the Demo Models webview, its restore after a
// reload, the Models tree in the Grain activity-bar container, the log, and a model card.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, useWorkbench } from './harness';
import { Workbench } from './pages/workbench';

const DEMO_MODELS = ['brown-bert', 'brown-gpt', 'brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3'];
const hiddenSizeOf = (id: string): number =>
  (JSON.parse(readFileSync(join(REPO, 'models', id, 'config.json'), 'utf8')) as { hidden_size: number }).hidden_size;

let ui: Workbench;

useWorkbench(
  '',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted.\n');
  },
  (s) => {
    ui = new Workbench(s);
  },
);

/** The Demo Models table: model id -> its cells. */
async function modelRows(): Promise<Map<string, string[]>> {
  const rows = ui.webview.locator('vscode-table-row[data-model]');
  await rows.first().waitFor();
  const all = await rows.evaluateAll((els) =>
    els.map((r) => [r.getAttribute('data-model') ?? '', Array.from(r.querySelectorAll('vscode-table-cell'), (c) => (c.textContent ?? '').trim())] as const),
  );
  return new Map(all.map(([id, cells]) => [id, cells]));
}

test('Grain: Show Demo Models lists the five demo models with their hidden sizes', async () => {
  await ui.screenshot('01-workbench');
  await ui.palette.run('Grain: Show Demo Models');
  await ui.editor.tab('Grain: Demo Models').waitFor();
  const rows = await modelRows();
  await ui.screenshot('02-demo-models-webview');
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
  const cspViolations = ui.session.consoleErrors().filter((e) => /Content Security Policy/i.test(e));
  assert.deepEqual(cspViolations, []);
  const headerWidth = await ui.webview.locator('vscode-table-header-cell').first().evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(headerWidth > 0);
});

test('the Demo Models panel comes back after a window reload', async () => {
  await ui.reload();
  await ui.editor.tab('Grain: Demo Models').waitFor();
  const rows = await modelRows();
  assert.deepEqual([...rows.keys()], DEMO_MODELS);
  await ui.screenshot('03-demo-models-restored');
});

test('the Grain activity-bar container shows the Models tree', async () => {
  await ui.sideBar.open('Grain');
  const models = ui.sideBar.view('Models');
  for (const id of DEMO_MODELS) await models.row(id).waitFor();
  assert.match(await models.row('brown-gpt').innerText(), /gpt · 5 layers × 256 neurons/);
  await models.click('brown-gpt');
  await models.row('hidden size').waitFor();
  assert.match(await models.row('hidden size').innerText(), /hidden size\s*256/);
  assert.match(await models.row('layer boundaries').innerText(), /embeddings, layer1, layer2, layer3, layer4/);
  await ui.screenshot('04-models-tree');
});

test('Grain: Show Log opens the Grain output channel with the activation line', async () => {
  await ui.palette.run('Grain: Show Log');
  assert.match(await ui.output.lineText('activated; demo models in'), /\[info\] Grain 0\.1\.0 activated; demo models in \/\S*grain-dev\.grain-0/);
  // The reload in the test above went through the extension's WebviewPanelSerializer.
  await ui.output.line('restoring the Demo Models panel').waitFor();
  await ui.screenshot('05-grain-log');
});

test('the Card button of a model opens its MODEL_CARD.md as a Markdown preview', async () => {
  // The Grain container's Heat Map is a webview too: with the Explorer shown instead, the
  // Demo Models panel is the one webview on screen.
  await ui.sideBar.open('Explorer');
  await ui.editor.tab('Grain: Demo Models').click();
  await ui.webview.locator('vscode-table-row[data-model="brown-lstm-s1"] vscode-button').click();
  await ui.editor.tab('Preview MODEL_CARD.md').waitFor();
  const firstHeading = readFileSync(join(REPO, 'models', 'brown-lstm-s1', 'MODEL_CARD.md'), 'utf8').match(/^#\s+(.+)$/m)![1]!;
  await ui.webview.locator('h1', { hasText: firstHeading }).waitFor();
  await ui.screenshot('06-model-card');
});
